"""Addresses: the public link of an endpoint, and a safe ``next`` path."""

from urllib.parse import urlsplit

from flask import current_app, url_for


def absolute_link(endpoint: str, **values) -> str:
    """Return the public address of ``endpoint``: ``AGORA_BASE_URL`` plus its path."""
    return current_app.config["AGORA_BASE_URL"] + url_for(endpoint, _external=False, **values)


def safe_next_path(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None.

    Refuses anything a browser could read as another host: ``//evil.com``, ``/\\evil.com``
    (browsers treat backslashes as slashes), schemes such as ``javascript:``, and control
    characters (browsers drop tabs and newlines, turning ``/\\t/evil.com`` into ``//evil.com``).
    """
    if not target or len(target) > 2000:
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
