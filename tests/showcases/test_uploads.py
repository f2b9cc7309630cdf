"""Uploads are judged by their bytes, named safely and stored by a random key."""

import io

import pytest

from app import uploads
from app.showcases.queries import MATERIAL_TYPES
from app.uploads import UploadRefused
from tests.showcases.conftest import HTML, JPEG, PDF, PNG, SVG, stored_files


def store(data: bytes, name: str, *, limit: int = 10 * uploads.MB, types=MATERIAL_TYPES):
    return uploads.store(io.BytesIO(data), name, area="showcases", types=types, limit=limit)


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PDF, "deck.pdf", "application/pdf"),
        (PNG, "map.png", "image/png"),
        (JPEG, "photo.jpg", "image/jpeg"),
        (JPEG, "photo.JPEG", "image/jpeg"),
    ],
)
def test_pdf_png_and_jpeg_are_stored_by_random_key(app_ctx, uploads_dir, data, name, content_type):
    stored = store(data, name)
    assert stored.content_type == content_type
    assert stored.size == len(data)
    assert stored.filename == name
    assert len(stored.storage_key) == 40 and name not in stored.storage_key
    (path,) = stored_files(uploads_dir)
    assert path.name == stored.storage_key
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (HTML, "deck.pdf"),
        (SVG, "logo.svg"),
        (SVG, "logo.png"),
        (b"MZ\x90\x00 an executable", "deck.pdf"),
        (b"just some text", "notes.txt"),
    ],
)
def test_disguised_or_unsupported_files_are_refused_and_leave_nothing(
    app_ctx, uploads_dir, data, name
):
    with pytest.raises(UploadRefused, match="only PDF, PNG, JPEG files"):
        store(data, name)
    assert stored_files(uploads_dir) == []


def test_a_png_named_pdf_is_refused_with_the_right_extension_to_use(app_ctx, uploads_dir):
    with pytest.raises(UploadRefused, match=r"\.png"):
        store(PNG, "deck.pdf")
    assert stored_files(uploads_dir) == []


def test_a_file_over_the_limit_is_refused_while_reading(app_ctx, uploads_dir):
    with pytest.raises(UploadRefused, match="larger than 1 MB"):
        store(PDF + b"0" * uploads.MB, "big.pdf", limit=uploads.MB)
    assert stored_files(uploads_dir) == []


def test_an_empty_file_is_refused(app_ctx, uploads_dir):
    with pytest.raises(UploadRefused, match="empty"):
        store(b"", "deck.pdf")


@pytest.mark.parametrize(
    "name", ["../../x", "../../etc/passwd.pdf", "..\\..\\boot.pdf", "/tmp/deck.pdf", ".htaccess"]
)
def test_names_with_folders_are_refused(app_ctx, uploads_dir, name):
    with pytest.raises(UploadRefused, match="without folders"):
        store(PDF, name)
    assert stored_files(uploads_dir) == []


def test_names_are_cleaned_for_display(app_ctx, uploads_dir):
    assert store(PDF, "Présentation finale (v2).pdf").filename == "Presentation_finale_v2.pdf"
    assert store(PDF, "عرض.pdf").filename == "file.pdf"
    assert store(PDF, "<img src=x onerror=alert(1)>.pdf").filename == "img_srcx_onerroralert1.pdf"


def test_a_name_without_extension_is_refused(app_ctx, uploads_dir):
    with pytest.raises(UploadRefused):
        store(PDF, "deck")


def test_path_of_only_accepts_keys_agora_makes(app_ctx, uploads_dir):
    assert uploads.path_of("showcases", "../../etc/passwd") is None
    assert uploads.path_of("showcases", "") is None
    assert uploads.path_of("showcases", "ab" * 20).name == "ab" * 20
