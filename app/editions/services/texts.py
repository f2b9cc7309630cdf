"""Operations on an edition's title, theme and description in other languages.

Functions flush and never commit: the caller owns the transaction.
"""

import logging

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from app import audit
from app.editions.queries.texts import texts_by_language
from app.errors import FieldErrors, FormErrors, NotFound
from app.extensions import db
from app.forms import LONG_TEXT
from app.models import TEXT_LANGUAGES, Edition, EditionText

logger = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "theme", "description")
LIMITS = {"title": 200, "theme": 300, "description": LONG_TEXT}


def _check_language(edition: Edition, lang: str) -> None:
    if lang not in TEXT_LANGUAGES:
        raise FormErrors({"": [_("Agora has no interface in this language.")]})
    if lang == edition.original_lang:
        message = _(
            "The edition's own texts are in this language: change them on its details page."
        )
        raise FormErrors({"": [message]})


def save_text(
    edition: Edition, lang: str, *, title: str, theme: str = "", description: str = ""
) -> EditionText:
    """Give ``edition``'s title, theme and description in ``lang``, or change them.

    An empty theme or description leaves the original's to show in that language.

    :param lang: a language of ``TEXT_LANGUAGES`` other than the edition's original.
    :returns: the texts in ``lang``.
    :raises FormErrors: for another language, a missing title or a text too long (every
        problem at once); or if someone else gave the texts in ``lang`` meanwhile.
    """
    _check_language(edition, lang)
    values = {"title": title or "", "theme": theme or "", "description": description or ""}
    errors = FieldErrors()
    if not values["title"].strip():
        errors.add("title", _("Give the title in this language."))
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            too_long = ngettext(
                "Use at most %(num)d character.", "Use at most %(num)d characters.", limit
            )
            errors.add(name, too_long)
    errors.raise_any()
    existing = texts_by_language(edition).get(lang)
    if existing is not None:
        for name, value in values.items():
            setattr(existing, name, value)
        db.session.flush()
        audit.record("edition_text.saved", existing)
        return existing
    text = EditionText(lang=lang, **values)
    try:
        with db.session.begin_nested():
            edition.texts.append(text)
            db.session.flush()
    except IntegrityError as error:
        logger.info("texts of edition %s in %s saved twice: %s", edition.id, lang, error.orig)
        raise FormErrors(
            {"": [_("Someone else gave these texts meanwhile. Check them and save again.")]}
        ) from error
    audit.record("edition_text.created", text)
    return text


def delete_text(edition: Edition, lang: str) -> None:
    """Remove ``edition``'s texts in ``lang``: pages in that language show the original.

    :raises NotFound: if the edition has no texts in ``lang``.
    """
    text = texts_by_language(edition).get(lang)
    if text is None:
        raise NotFound(_("This edition has no texts in this language."))
    audit.record("edition_text.deleted", text, removed=True)
    edition.texts.remove(text)
    db.session.flush()
