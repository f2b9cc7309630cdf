"""Public pages of series and editions."""

from flask import render_template

from app.access import Audience, access
from app.editions import bp, services


@bp.get("/")
@access(Audience.ANONYMOUS)
def home():
    return render_template("editions/home.html", editions=services.public_editions())
