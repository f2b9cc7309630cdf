"""Reads of an edition's texts in other languages, and which text a visitor is shown.

An edition's own title, theme and description are its original, written in
``original_lang``; an ``EditionText`` gives them in another language. A page shows each
text in the visitor's language when the edition has it, else the original, and says in
which language it is (``lang`` and ``dir`` attributes).
"""

from dataclasses import dataclass

from app.formatting import RIGHT_TO_LEFT
from app.labels import LANGUAGE_NAMES
from app.models import TEXT_LANGUAGES, Edition, EditionText

# Each language named in itself, as the language switch names them: never inflected in a
# sentence, and read by whoever reads that language.
LANGUAGE_LABELS = {lang: LANGUAGE_NAMES[lang] for lang in TEXT_LANGUAGES}


def direction_of(lang: str) -> str:
    """``rtl`` for a language written right to left, else ``ltr``."""
    return "rtl" if lang in RIGHT_TO_LEFT else "ltr"


@dataclass(frozen=True)
class ShownText:
    """One text of an edition as a page shows it, with the language it is written in."""

    text: str
    lang: str

    @property
    def dir(self) -> str:
        """``rtl`` for a right-to-left language, else ``ltr``."""
        return direction_of(self.lang)

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


@dataclass(frozen=True)
class ShownTexts:
    """An edition's title, theme and description as a reader of one language sees them."""

    title: ShownText
    theme: ShownText
    description: ShownText


def text_in(edition: Edition, lang: str) -> EditionText | None:
    """Return ``edition``'s texts in ``lang`` (None for its original language or none).

    Reads ``edition.texts``: lists load them for all their editions at once.
    """
    if lang == edition.original_lang:
        return None
    return next((text for text in edition.texts if text.lang == lang), None)


def shown_texts(edition: Edition, lang: str) -> ShownTexts:
    """Return the title, theme and description of ``edition`` a reader of ``lang`` sees.

    Each text is taken in ``lang`` when the edition gives it in that language, else in
    its original language: a title given in Arabic shows with the original theme when
    no Arabic theme is given.
    """
    translated = text_in(edition, lang)

    def pick(name: str) -> ShownText:
        value = getattr(translated, name, "") if translated is not None else ""
        if value:
            return ShownText(value, lang)
        return ShownText(getattr(edition, name) or "", edition.original_lang)

    return ShownTexts(title=pick("title"), theme=pick("theme"), description=pick("description"))


def other_languages(edition: Edition) -> list[str]:
    """The languages ``edition`` may give its texts in besides its original one."""
    return [lang for lang in TEXT_LANGUAGES if lang != edition.original_lang]


def texts_by_language(edition: Edition) -> dict[str, EditionText]:
    """Return ``edition``'s texts in other languages, by language code."""
    return {text.lang: text for text in edition.texts if text.lang != edition.original_lang}
