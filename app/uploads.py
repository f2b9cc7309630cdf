"""What every upload shares: recognising a file by its first bytes, and where files live.

Agora accepts a file by what its bytes say it is (PDF, PNG or JPEG), never by its name
or the type the browser claims, and stores it under the upload folder by a random key.
"""

from pathlib import Path

from flask import current_app

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"

# (content type, first bytes, accepted extensions, extension to store with)
SIGNATURES = (
    (PDF, b"%PDF-", ("pdf",), "pdf"),
    (PNG, b"\x89PNG\r\n\x1a\n", ("png",), "png"),
    (JPEG, b"\xff\xd8\xff", ("jpg", "jpeg"), "jpg"),
)


def sniff(head: bytes, allowed: tuple[str, ...] = (PDF, PNG, JPEG)) -> tuple[str, str] | None:
    """Return ``(content type, extension)`` that the first bytes announce, or None.

    :param allowed: the content types to recognise; anything else gives None.
    """
    for content_type, signature, _extensions, extension in SIGNATURES:
        if content_type in allowed and head.startswith(signature):
            return content_type, extension
    return None


def upload_root(area: str) -> Path:
    """The folder of one kind of upload (``showcases``, ``speakers``...), created on demand."""
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / area
    folder.mkdir(parents=True, exist_ok=True)
    return folder
