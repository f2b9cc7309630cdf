"""The `notifications` blueprint."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
