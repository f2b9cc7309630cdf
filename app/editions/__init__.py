"""Series, editions and their public pages, starting with the home page."""
