"""The public and delegates' views of the `showcases` blueprint: showcases, and the
organisations that submit them (the organisers' and reviewers' pages are in ``manage``)."""

from app.showcases.routes import organisations, showcases

__all__ = ["organisations", "showcases"]
