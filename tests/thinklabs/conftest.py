"""Fixtures of the thinklab tests: uploads go to a temporary folder."""

import pytest


@pytest.fixture(autouse=True)
def _upload_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
