"""Uploaded files: their bytes are checked, their names cleaned, their storage kept apart.

A file is accepted by what its first bytes say it is (PDF, PNG or JPEG), never by its
name or by the type the browser claims; its extension must agree with its bytes, so an
HTML page named ``.pdf`` or an SVG is refused. It is stored under the upload folder by a
random key; the user's name for it is only kept, cleaned, to show and to download as.
"""

import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.errors import InvalidInput
from app.uploads import SIGNATURES, upload_root
from app.uploads import sniff as shared_sniff

MB = 1024 * 1024
CHUNK = 64 * 1024

MATERIAL_TYPES = ("application/pdf", "image/png", "image/jpeg")
LOGO_TYPES = ("image/png", "image/jpeg")
TYPE_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


class UploadRefused(InvalidInput):
    """A file refused for its size, its contents or its name."""


@dataclass(frozen=True)
class StoredFile:
    storage_key: str
    filename: str
    content_type: str
    size: int
    sha256: str


def max_material_bytes() -> int:
    return int(current_app.config.get("SHOWCASE_MAX_MATERIAL_BYTES", 10 * MB))


def max_materials() -> int:
    return int(current_app.config.get("SHOWCASE_MAX_MATERIALS", 5))


def max_logo_bytes() -> int:
    return int(current_app.config.get("ORGANISATION_MAX_LOGO_BYTES", 2 * MB))


def path_of(area: str, storage_key: str) -> Path | None:
    """The file behind ``storage_key``, or None if the key is not one Agora makes."""
    if not storage_key or not all(c in "0123456789abcdef" for c in storage_key):
        return None
    return Path(current_app.config["UPLOAD_FOLDER"]) / area / storage_key


def sniff(head: bytes) -> str | None:
    """Return the content type the first bytes announce, or None."""
    found = shared_sniff(head)
    return found[0] if found else None


def clean_filename(raw: str | None) -> str:
    """Return the name to show for an upload, or refuse a name that is a path.

    :raises UploadRefused: if the name is empty, carries folders (``../../x``) or has no
        readable name left once cleaned.
    """
    raw = unicodedata.normalize("NFC", (raw or "").strip())
    if not raw:
        raise UploadRefused(_("Choose a file to upload."), field="file")
    if "/" in raw or "\\" in raw or raw.startswith(".") or "\x00" in raw:
        raise UploadRefused(
            _(
                "The file name “%(name)s” is not allowed: it must be a plain name such as "
                "presentation.pdf, without folders.",
                name=raw[:80],
            ),
            field="file",
        )
    cleaned = secure_filename(raw)
    if "." not in cleaned:
        # Nothing but an extension survived (a name written in another script): keep the
        # extension and give the file a neutral name.
        extension = raw.rsplit(".", 1)[-1].lower() if "." in raw else ""
        cleaned = f"file.{secure_filename(extension)}" if secure_filename(extension) else ""
    if not cleaned:
        raise UploadRefused(
            _("The file name “%(name)s” cannot be used; rename the file.", name=raw[:80]),
            field="file",
        )
    if len(cleaned) > 200:
        stem, _dot, extension = cleaned.rpartition(".")
        cleaned = f"{stem[: 199 - len(extension)]}.{extension}"
    return cleaned


def human_size(size: int) -> str:
    """A size as "10 MB" or "500 KB"."""
    if size >= MB:
        return f"{size / MB:.0f} MB" if size % MB == 0 else f"{size / MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _allowed_names(types: tuple[str, ...]) -> str:
    return ", ".join(TYPE_NAMES[t] for t in types)


def store(stream, raw_filename: str | None, *, area: str, types: tuple[str, ...], limit: int):
    """Check an upload and write it under the upload folder; return what was stored.

    The bytes go to a temporary file first and take their final name only once every
    check passed, so a refused upload leaves nothing behind.

    :raises UploadRefused: if the name, the size or the contents are not acceptable.
    """
    filename = clean_filename(raw_filename)
    extension = filename.rsplit(".", 1)[-1].lower()
    folder = upload_root(area)
    storage_key = secrets.token_hex(20)
    temporary = folder / f".{storage_key}.part"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(temporary, "wb") as out:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(
                        _(
                            "“%(name)s” is larger than %(limit)s; nothing was saved. "
                            "Compress it or split it and try again.",
                            name=filename,
                            limit=human_size(limit),
                        ),
                        field="file",
                    )
                if len(head) < 16:
                    head += chunk[: 16 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(_("“%(name)s” is empty.", name=filename), field="file")
        content_type = sniff(head)
        if content_type is None or content_type not in types:
            raise UploadRefused(
                _(
                    "“%(name)s” is not a file Agora accepts: only %(types)s files are, and "
                    "its contents are checked, not just its name.",
                    name=filename,
                    types=_allowed_names(types),
                ),
                field="file",
            )
        expected = next(s for s in SIGNATURES if s[0] == content_type)
        if extension not in expected[2]:
            raise UploadRefused(
                _(
                    "“%(name)s” is named like another kind of file than it contains "
                    "(%(kind)s); rename it with the extension .%(extension)s.",
                    name=filename,
                    kind=TYPE_NAMES[content_type],
                    extension=expected[3],
                ),
                field="file",
            )
        os.replace(temporary, folder / storage_key)
    finally:
        if temporary.exists():
            temporary.unlink()
    return StoredFile(
        storage_key=storage_key,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
    )


def discard(area: str, storage_key: str | None) -> None:
    """Remove a stored file; a missing file is not an error."""
    path = path_of(area, storage_key or "")
    if path is not None:
        path.unlink(missing_ok=True)
