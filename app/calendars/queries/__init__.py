"""Reads of the calendars: feeds and their versions, the feed cache, schedule exports.

Other areas import these names from here; inside the area, import the submodule.
"""
