"""Operations that change series and editions: their details, structure, status, copy, team.

Functions flush and never commit: the caller owns the transaction.
"""

from app.editions.services.editions import (
    EDITION_FIELDS,
    LANGUAGE_FIELD,
    SERIES_FIELDS,
    StaleEdit,
    change_status,
    copy_edition,
    create_edition,
    create_series,
    publish_edition,
    publish_programme,
    update_edition,
    update_series,
)
from app.editions.services.identity import remove_picture, save_identity, set_picture
from app.editions.services.structure import (
    delete_room,
    delete_track,
    delete_venue,
    save_room,
    save_track,
    save_venue,
)
from app.editions.services.team import (
    delete_criterion,
    grant_role,
    revoke_role,
    save_criterion,
)
from app.editions.services.texts import TEXT_FIELDS, delete_text, save_text

__all__ = [
    "EDITION_FIELDS",
    "LANGUAGE_FIELD",
    "SERIES_FIELDS",
    "TEXT_FIELDS",
    "StaleEdit",
    "change_status",
    "copy_edition",
    "create_edition",
    "create_series",
    "delete_criterion",
    "delete_room",
    "delete_text",
    "delete_track",
    "delete_venue",
    "grant_role",
    "publish_edition",
    "publish_programme",
    "remove_picture",
    "revoke_role",
    "save_criterion",
    "save_identity",
    "save_room",
    "save_text",
    "save_track",
    "save_venue",
    "set_picture",
    "update_edition",
    "update_series",
]
