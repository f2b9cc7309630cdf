"""Organiser pages of series and editions."""

from app.editions import bp  # noqa: F401
