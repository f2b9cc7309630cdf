"""List, per language, the interface strings a catalogue lacks or gets wrong.

Run with ``make i18n-check`` (or ``python translations/check.py [fr ar ...]``). It reads the
strings from the sources themselves, so a string added since the last ``make i18n-update``
shows as "not in the catalogue". Exits with 1 when anything is listed.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "translations"
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%\(\w+\)\.\d+f|\{\w+\}")


@dataclass
class Report:
    """What one language's catalogue lacks: message ids with where they are used."""

    language: str
    not_in_catalogue: dict[str, str] = field(default_factory=dict)
    untranslated: dict[str, str] = field(default_factory=dict)
    fuzzy: dict[str, str] = field(default_factory=dict)
    wrong_placeholders: dict[str, str] = field(default_factory=dict)

    @property
    def problems(self) -> int:
        return (
            len(self.not_in_catalogue)
            + len(self.untranslated)
            + len(self.fuzzy)
            + len(self.wrong_placeholders)
        )


def languages() -> list[str]:
    """The languages that have a catalogue (English is the source language)."""
    return sorted(path.parent.parent.name for path in CATALOGUES.glob("*/LC_MESSAGES/*.po"))


def source_messages() -> dict[str, str]:
    """Every message id of the sources, with the first place it is used."""
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**": {}}
    ):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, f"{filename}:{line}")
    return found


def catalogue(language: str):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def placeholders_match(entry) -> bool:
    """Tell whether every form of a translation uses the placeholders of the source.

    A plural form may leave out the count (Arabic says "one day" and "two days" with no
    number), so ``%(num)d`` is optional in plural translations; nothing else is.
    """
    ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    expected = set(PLACEHOLDER.findall(ids[-1]))
    for text in strings:
        if not text:
            continue
        found = set(PLACEHOLDER.findall(text))
        if isinstance(entry.id, tuple):
            found |= expected & {"%(num)d", "%(num)s"}
        if found != expected:
            return False
    return True


def check(language: str, messages: dict[str, str] | None = None) -> Report:
    """Compare the catalogue of ``language`` with the strings of the sources."""
    messages = source_messages() if messages is None else messages
    entries = catalogue(language)
    report = Report(language)
    for message_id, where in sorted(messages.items()):
        entry = entries.get(message_id)
        if entry is None:
            report.not_in_catalogue[message_id] = where
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            report.untranslated[message_id] = where
        elif entry.fuzzy:
            report.fuzzy[message_id] = where
        elif not placeholders_match(entry):
            report.wrong_placeholders[message_id] = where
    return report


def main(argv: list[str]) -> int:
    wanted = argv or languages()
    messages = source_messages()
    total = 0
    for language in wanted:
        report = check(language, messages)
        total += report.problems
        print(f"== {language}: {report.problems} to do")
        for title, items in (
            ("not in the catalogue (run make i18n-update)", report.not_in_catalogue),
            ("untranslated", report.untranslated),
            ("fuzzy (check, then remove the fuzzy flag)", report.fuzzy),
            ("placeholders differ from the source", report.wrong_placeholders),
        ):
            if items:
                print(f"-- {title}: {len(items)}")
                for message_id, where in items.items():
                    print(f"  {where}\t{message_id!r}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
