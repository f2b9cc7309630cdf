"""The per-version cache of built feeds: a feed is built once per change of its data.

A built feed is a pure function of its version (and the reader's language), so keeping
it changes nothing any reader sees; it only spares building the same bytes again.
"""

from app.caching import VersionedCache

feed_cache = VersionedCache("feed")
