"""The per-version cache of built feeds: a feed is built once per change of its data.

A built feed is a pure function of its version (and the reader's language), so keeping
it changes nothing any reader sees; it only spares building the same bytes again.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app


class FeedCache:
    """Built feeds kept by (feed, version): in process (LRU), or in Redis when configured."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._redis = None
        self._redis_url = None

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def _redis_client(self):
        url = current_app.config.get("REDIS_URL")
        if not url:
            return None
        if self._redis is None or self._redis_url != url:
            import redis  # needed only where REDIS_URL is set

            self._redis = redis.Redis.from_url(url, socket_timeout=1)
            self._redis_url = url
        return self._redis

    def get_or_build(self, key: tuple, build: Callable[[], bytes]) -> bytes:
        client = self._redis_client()
        if client is not None:
            redis_key = "agora:feed:" + hashlib.sha256(repr(key).encode()).hexdigest()
            try:
                found = client.get(redis_key)
            except Exception:  # a cache outage must not break the feed
                found = None
            if found is not None:
                return found
            body = build()
            try:
                client.setex(redis_key, 24 * 3600, body)
            except Exception:  # nor a failed write to the cache
                pass
            return body
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        body = build()
        with self._lock:
            self._items[key] = body
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return body


feed_cache = FeedCache()
