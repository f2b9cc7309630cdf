"""Public programme, session and speaker pages."""

from app.program import bp  # noqa: F401
