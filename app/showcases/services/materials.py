"""A showcase's materials: the files its delegates upload (PDF, PNG or JPEG)."""

from flask_babel import gettext as _
from flask_babel import ngettext

from app import uploads
from app.extensions import db
from app.models import Showcase, ShowcaseMaterial, User
from app.showcases.queries.rules import (
    MATERIAL_TYPES,
    MATERIALS_AREA,
    max_material_bytes,
    max_materials,
)
from app.showcases.services.submissions import check_delegate, check_editable


def add_materials(showcase: Showcase, user: User, files: list) -> list[ShowcaseMaterial]:
    """Check and store uploaded files, all or none.

    :param files: ``(stream, filename)`` pairs.
    :raises UploadRefused: if one file is refused (none is kept).
    :raises Conflict: if the showcase cannot be changed or too many files would be kept.
    """
    check_delegate(user, showcase)
    check_editable(showcase)
    files = [(stream, name) for stream, name in files if name]
    if not files:
        raise uploads.UploadRefused(_("Choose a file to upload."), field="file")
    limit = max_materials()
    if len(showcase.materials) + len(files) > limit:
        raise uploads.UploadRefused(
            ngettext(
                "A showcase keeps at most %(num)d file; it has %(count)d. "
                "Delete one before adding another.",
                "A showcase keeps at most %(num)d files; it has %(count)d. "
                "Delete one before adding another.",
                limit,
                count=len(showcase.materials),
            ),
            field="file",
        )
    stored = []
    try:
        for stream, name in files:
            stored.append(
                uploads.store(
                    stream,
                    name,
                    area=MATERIALS_AREA,
                    types=MATERIAL_TYPES,
                    limit=max_material_bytes(),
                )
            )
        materials = [
            ShowcaseMaterial(
                filename=item.filename,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                storage_key=item.storage_key,
                uploaded_by_id=user.id,
            )
            for item in stored
        ]
        showcase.materials.extend(materials)
        db.session.flush()
    except Exception:
        for item in stored:
            uploads.discard(MATERIALS_AREA, item.storage_key)
        raise
    return materials


def delete_material(material: ShowcaseMaterial, user: User) -> str:
    """Delete a material; return its storage key, to remove the file after the commit."""
    showcase = material.showcase
    check_delegate(user, showcase)
    check_editable(showcase)
    key = material.storage_key
    showcase.materials.remove(material)
    db.session.flush()
    return key
