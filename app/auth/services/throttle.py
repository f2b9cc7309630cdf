"""The per-account login limit: after a run of wrong passwords for one account, each further
attempt waits a little longer, up to a few minutes.

Attempts spread over many addresses count against the account, yet whoever guesses can
never lock its owner out for longer than the cap: once the wait is over, the right
password works. The counters live in the rate limiter's storage (Redis in production),
so every worker sees the same ones.
"""

import hashlib
import math
import time

from flask import current_app

from app.extensions import limiter

KEY_PREFIX = "agora-login"


def _now() -> float:
    return time.time()


def _enabled() -> bool:
    return bool(limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True))


def _keys(email: str) -> tuple[str, str]:
    # A digest keeps addresses out of the limiter's storage.
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}/failures/{digest}", f"{KEY_PREFIX}/wait-until/{digest}"


def login_wait(email: str) -> int:
    """Return how many seconds an attempt for ``email`` must still wait (0: it may go on)."""
    if not _enabled():
        return 0
    _failures, wait_key = _keys(email)
    until = limiter.storage.get(wait_key)
    remaining = until - _now()
    if remaining <= 0:
        return 0
    return min(math.ceil(remaining), current_app.config["LOGIN_DELAY_MAX_SECONDS"])


def delay_after(failures: int) -> int:
    """Return the wait, in seconds, that the ``failures``-th wrong password in a row imposes."""
    config = current_app.config
    free = config["LOGIN_FAILURES_BEFORE_DELAY"]
    if failures < free:
        return 0
    growth = min(failures - free, 16)
    return min(config["LOGIN_DELAY_BASE_SECONDS"] * 2**growth, config["LOGIN_DELAY_MAX_SECONDS"])


def record_login_failure(email: str) -> int:
    """Count a wrong password for ``email``; return the wait it imposes on the next attempt."""
    if not _enabled():
        return 0
    failures_key, wait_key = _keys(email)
    failures = limiter.storage.incr(
        failures_key, current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    )
    delay = delay_after(failures)
    if delay:
        # The storage keeps integers that expire: the end of the wait, gone with the wait.
        limiter.storage.clear(wait_key)
        limiter.storage.incr(wait_key, delay, amount=math.ceil(_now() + delay))
    return delay


def record_login_success(email: str) -> None:
    """Forget the wrong passwords counted for ``email``."""
    if not _enabled():
        return
    for key in _keys(email):
        limiter.storage.clear(key)
