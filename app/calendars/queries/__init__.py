"""Reads of the calendars: feeds and their versions, the feed cache, schedule exports.

No other area reads them yet; the calendars' views import the submodules.
"""
