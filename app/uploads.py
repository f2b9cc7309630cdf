"""Uploaded files: their bytes are checked, their names cleaned, their storage kept apart.

Agora accepts a file by what its first bytes say it is (PDF, PNG or JPEG), never by its
name or by the type the browser claims; its extension must agree with its bytes, so an
HTML page named ``.pdf`` or an SVG is refused. It is stored under the upload folder by a
random key; the user's name for it is only kept, cleaned, to show and to download as.

Images shown on public pages (an edition's logo and banner) go further: Pillow decodes
them (PNG, JPEG or WebP; never SVG), refuses one that is broken or would take gigabytes
once decoded, and Agora stores its own copy: resized, re-encoded, without metadata.
"""

import hashlib
import io
import os
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps
from werkzeug.utils import secure_filename

from app.errors import InvalidInput

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"

# (content type, first bytes, accepted extensions, extension to store with)
SIGNATURES = (
    (PDF, b"%PDF-", ("pdf",), "pdf"),
    (PNG, b"\x89PNG\r\n\x1a\n", ("png",), "png"),
    (JPEG, b"\xff\xd8\xff", ("jpg", "jpeg"), "jpg"),
)
TYPE_NAMES = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG"}

# What Pillow may decode for a picture, and the most pixels it may hold once decoded
# (a 50 KB PNG can announce 50,000 × 50,000 pixels: 10 GB of memory).
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP")
MAX_IMAGE_PIXELS = 40_000_000

MB = 1024 * 1024
CHUNK = 64 * 1024


class UploadRefused(InvalidInput):
    """A file refused for its size, its contents or its name."""


@dataclass(frozen=True)
class StoredFile:
    storage_key: str
    filename: str
    content_type: str
    size: int
    sha256: str


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


def path_of(area: str, storage_key: str) -> Path | None:
    """The file behind ``storage_key``, or None if the key is not one Agora makes."""
    if not storage_key or not all(c in "0123456789abcdef" for c in storage_key):
        return None
    return Path(current_app.config["UPLOAD_FOLDER"]) / area / storage_key


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


def _too_large(filename: str, limit: int) -> UploadRefused:
    return UploadRefused(
        _(
            "“%(name)s” is larger than %(limit)s; nothing was saved. "
            "Compress it or split it and try again.",
            name=filename,
            limit=human_size(limit),
        ),
        field="file",
    )


def _write(stream, temporary: Path, filename: str, limit: int) -> tuple[int, bytes, str]:
    """Copy ``stream`` into ``temporary``; return its size, first bytes and SHA-256.

    :raises UploadRefused: as soon as more than ``limit`` bytes were read.
    """
    digest = hashlib.sha256()
    size = 0
    head = b""
    with open(temporary, "wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _too_large(filename, limit)
            if len(head) < 16:
                head += chunk[: 16 - len(head)]
            digest.update(chunk)
            out.write(chunk)
    return size, head, digest.hexdigest()


def _check_contents(filename: str, head: bytes, types: tuple[str, ...]) -> str:
    """Return the content type of the bytes, refusing one not in ``types`` or misnamed.

    :raises UploadRefused: if the bytes are of no accepted type or the extension lies.
    """
    found = sniff(head, types)
    if found is None:
        raise UploadRefused(
            _(
                "“%(name)s” is not a file Agora accepts: only %(types)s files are, and "
                "its contents are checked, not just its name.",
                name=filename,
                types=_allowed_names(types),
            ),
            field="file",
        )
    content_type, _stored_extension = found
    expected = next(s for s in SIGNATURES if s[0] == content_type)
    if filename.rsplit(".", 1)[-1].lower() not in expected[2]:
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
    return content_type


def store(
    stream, raw_filename: str | None, *, area: str, types: tuple[str, ...], limit: int
) -> StoredFile:
    """Check an upload and write it under the upload folder; return what was stored.

    The bytes go to a temporary file first and take their final name only once every
    check passed, so a refused upload leaves nothing behind.

    :param area: the folder of this kind of upload (``showcases``, ``logos``...).
    :param types: the content types accepted.
    :param limit: the largest size accepted, in bytes.
    :raises UploadRefused: if the name, the size or the contents are not acceptable.
    """
    filename = clean_filename(raw_filename)
    folder = upload_root(area)
    storage_key = secrets.token_hex(20)
    temporary = folder / f".{storage_key}.part"
    try:
        size, head, sha256 = _write(stream, temporary, filename, limit)
        if size == 0:
            raise UploadRefused(_("“%(name)s” is empty.", name=filename), field="file")
        content_type = _check_contents(filename, head, types)
        os.replace(temporary, folder / storage_key)
    finally:
        if temporary.exists():
            temporary.unlink()
    return StoredFile(
        storage_key=storage_key,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=sha256,
    )


def stored_type(area: str, storage_key: str | None, types: tuple[str, ...]) -> str | None:
    """The content type of a stored file read from its first bytes, or None if the file is
    missing or not of ``types``."""
    path = path_of(area, storage_key or "")
    if path is None or not path.is_file():
        return None
    with open(path, "rb") as handle:
        found = sniff(handle.read(16), types)
    return found[0] if found else None


def discard(area: str, storage_key: str | None) -> None:
    """Remove a stored file; a missing file is not an error."""
    path = path_of(area, storage_key or "")
    if path is not None:
        path.unlink(missing_ok=True)


# Pictures ------------------------------------------------------------------------------


def _read_at_most(stream, filename: str, limit: int) -> bytes:
    """Read ``stream`` whole, refusing it as soon as it passes ``limit`` bytes."""
    chunks, size = [], 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise _too_large(filename, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _not_a_picture(filename: str) -> UploadRefused:
    return UploadRefused(
        _(
            "“%(name)s” is not a picture Agora accepts: only PNG, JPEG and WebP images are "
            "(not SVG), and their contents are checked, not just their name.",
            name=filename,
        ),
        field="file",
    )


def open_picture(data: bytes, filename: str = "image") -> Image.Image:
    """Decode ``data`` as a PNG, JPEG or WebP picture and return it fully loaded.

    :raises UploadRefused: if the bytes are no such picture, are damaged, or would take
        more than :data:`MAX_IMAGE_PIXELS` pixels once decoded.
    """
    too_big = UploadRefused(
        _(
            "“%(name)s” has too many pixels to be processed (at most %(num)d megapixels); "
            "export it smaller and try again.",
            name=filename,
            num=MAX_IMAGE_PIXELS // 1_000_000,
        ),
        field="file",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as probe:
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise too_big
                probe.verify()
            # verify() leaves the image unusable: decode it again, for real this time.
            image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
            image.seek(0)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_big from None
        except UploadRefused:
            raise
        except (OSError, SyntaxError, ValueError, EOFError, Image.UnidentifiedImageError):
            raise _not_a_picture(filename) from None
    return image


def picture_bytes(image: Image.Image, *, max_width: int, max_height: int, lossless: bool):
    """Return ``(bytes, content type, extension)`` of ``image`` resized and re-encoded.

    The picture is turned upright (EXIF orientation), shrunk to fit ``max_width`` ×
    ``max_height`` (never enlarged), and saved without any metadata (EXIF, GPS, ICC,
    text): PNG when it is ``lossless`` or has transparency, JPEG otherwise.
    """
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    clean = image.convert("RGBA" if has_alpha else "RGB")
    clean.info = {}
    clean.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if lossless or has_alpha:
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), PNG, "png"
    clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), JPEG, "jpg"


def store_picture(
    stream,
    raw_filename: str | None,
    *,
    area: str,
    limit: int,
    max_width: int,
    max_height: int,
    lossless: bool = False,
    storage_key: str | None = None,
) -> StoredFile:
    """Check a picture, store Agora's own resized copy of it; return what was stored.

    What is stored is never the uploaded bytes: only what Pillow decoded and encoded
    again, so nothing hidden in the file (metadata, trailing data, a script) survives.

    :param area: the folder of this kind of picture (``editions``...).
    :param limit: the largest upload accepted, in bytes.
    :param max_width: the widest picture kept, in pixels (larger ones are shrunk).
    :param max_height: the tallest picture kept, in pixels.
    :param lossless: keep it as PNG (logos), rather than JPEG for opaque pictures.
    :param storage_key: a fixed key (40 hex digits) instead of a random one: the demo's
        pictures are the same on every load and are written again in place.
    :raises UploadRefused: if the name, the size or the contents are not acceptable.
    """
    filename = clean_filename(raw_filename)
    data = _read_at_most(stream, filename, limit)
    if not data:
        raise UploadRefused(_("“%(name)s” is empty.", name=filename), field="file")
    image = open_picture(data, filename)
    encoded, content_type, extension = picture_bytes(
        image, max_width=max_width, max_height=max_height, lossless=lossless
    )
    folder = upload_root(area)
    if storage_key is None or path_of(area, storage_key) is None:
        storage_key = secrets.token_hex(20)
    temporary = folder / f".{secrets.token_hex(20)}.part"
    try:
        temporary.write_bytes(encoded)
        os.replace(temporary, folder / storage_key)
    finally:
        if temporary.exists():
            temporary.unlink()
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return StoredFile(
        storage_key=storage_key,
        filename=f"{stem}.{extension}",
        content_type=content_type,
        size=len(encoded),
        sha256=hashlib.sha256(encoded).hexdigest(),
    )
