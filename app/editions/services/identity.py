"""Operations on an edition's identity: its logo and banner, its accent colour, and the
sites allowed to frame its programme.

Functions flush and never commit. A replaced or removed picture's storage key is
returned, so the caller deletes the file once the change is committed.
"""

from flask_babel import gettext as _

from app import uploads
from app.colours import AA_TEXT, contrast, is_hex_colour, normalise, text_on
from app.editions.queries.identity import PICTURES, PICTURES_AREA
from app.errors import FormErrors
from app.extensions import db
from app.framing import parse_origins
from app.models import Edition


def set_picture(
    edition: Edition, kind: str, stream, filename: str | None, *, storage_key: str | None = None
) -> str | None:
    """Check and store a new ``kind`` of picture (``logo`` or ``banner``) for ``edition``.

    The picture is decoded, shrunk to its kind's size, re-encoded without metadata.

    :param storage_key: a fixed key for the stored copy (the demo's pictures), else random.
    :returns: the storage key of the picture it replaces (None if none), to discard.
    :raises UploadRefused: if the file is not a PNG, JPEG or WebP picture, is too large,
        or would be too large once decoded.
    """
    rule = PICTURES[kind]
    stored = uploads.store_picture(
        stream,
        filename,
        area=PICTURES_AREA,
        limit=rule.limit,
        max_width=rule.max_width,
        max_height=rule.max_height,
        lossless=rule.lossless,
        storage_key=storage_key,
    )
    old = getattr(edition, rule.column)
    setattr(edition, rule.column, stored.storage_key)
    db.session.flush()
    return old


def remove_picture(edition: Edition, kind: str) -> str | None:
    """Remove ``edition``'s ``kind`` of picture; return its storage key, to discard."""
    rule = PICTURES[kind]
    old = getattr(edition, rule.column)
    setattr(edition, rule.column, None)
    db.session.flush()
    return old


def check_accent(value: str | None) -> str | None:
    """Return the accent colour to store (``#rrggbb`` in lower case, or None for none).

    :raises FormErrors: on ``accent_colour`` for anything but ``#rrggbb``, or a colour
        that no text colour can be read on (kept as a guard: black or white always can).
    """
    value = (value or "").strip()
    if not value:
        return None
    if not is_hex_colour(value):
        raise FormErrors({"accent_colour": [_("Give a colour as #rrggbb, e.g. #0f766e.")]})
    colour = normalise(value)
    if contrast(colour, text_on(colour)) < AA_TEXT:
        raise FormErrors(
            {"accent_colour": [_("No text can be read on this colour; choose another.")]}
        )
    return colour


def save_identity(edition: Edition, *, accent_colour: str | None, frame_origins: str) -> None:
    """Set the edition's accent colour and the sites allowed to frame its programme.

    :param accent_colour: ``#rrggbb``, or empty for none.
    :param frame_origins: sites such as ``https://www.ville-bizerte.tn``, one per line.
    :raises FormErrors: for a colour that is not ``#rrggbb`` or a site that is not an
        origin; every problem is reported at once.
    """
    errors: dict[str, list[str]] = {}
    try:
        colour = check_accent(accent_colour)
    except FormErrors as error:
        errors.update(error.errors)
    try:
        origins = parse_origins(frame_origins)
    except FormErrors as error:
        errors.update(error.errors)
    if errors:
        raise FormErrors(errors)
    edition.accent_colour = colour
    edition.frame_origins = " ".join(origins)
    db.session.flush()
