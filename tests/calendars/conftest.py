import pytest

from app.calendars.queries.cache import feed_cache
from app.calendars.queries.pieces import piece_cache


@pytest.fixture(autouse=True)
def _empty_feed_cache():
    """Each test starts with no built feed (ids repeat between rolled-back tests)."""
    feed_cache.clear()
    piece_cache.clear()
    yield
    feed_cache.clear()
    piece_cache.clear()
