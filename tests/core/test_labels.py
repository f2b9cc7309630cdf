"""The audit log names every kind of object it records in words, in every language."""

import re
from pathlib import Path

from app.extensions import db
from app.labels import AUDIT_OBJECT_LABELS

APP = Path(__file__).resolve().parents[2] / "app"
RECORDED = re.compile(r'audit\.record\(\s*"([a-z_]+)\.')


def _recorded_subjects() -> set[str]:
    return {subject for path in APP.rglob("*.py") for subject in RECORDED.findall(path.read_text())}


def test_every_recorded_kind_of_object_has_a_label():
    subjects = _recorded_subjects()
    assert {"edition", "edition_text", "speaker"} <= subjects
    assert sorted(subjects - AUDIT_OBJECT_LABELS.keys()) == []


def test_the_tables_of_recorded_objects_have_a_label_too(app):
    """An entry stores its object's table ("edition_texts"), and the log's filter lists it."""
    tables = set(db.metadata.tables)
    for subject in _recorded_subjects():
        for table in (f"{subject}s", f"{subject}es"):
            if table in tables:
                assert table in AUDIT_OBJECT_LABELS, table
