"""Every string of the interface has a French translation whose placeholders match."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%\(\w+\)\.\d+f|\{\w+\}")


def source_messages() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**": {}}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def french_catalogue():
    with open(ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def test_every_interface_string_is_translated_into_french():
    catalogue = french_catalogue()
    missing = []
    for message_id in sorted(source_messages()):
        entry = catalogue.get(message_id)
        strings = entry.string if entry is not None else None
        if isinstance(strings, tuple):
            strings = all(strings) and strings
        if not strings or entry.fuzzy:
            missing.append(message_id)
    assert missing == [], (
        f"{len(missing)} strings lack a French translation; run pybabel extract/update and "
        f"translate them: {missing[:10]}"
    )


def test_french_translations_keep_their_placeholders():
    wrong = []
    for entry in french_catalogue():
        if not entry.id or not entry.string or entry.fuzzy:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if text and set(PLACEHOLDER.findall(text)) != expected:
                wrong.append(ids[0])
    assert wrong == []
