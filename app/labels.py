"""Labels that several areas show for the same values."""

from flask_babel import lazy_gettext as _l

from app.models import SessionKind, StakeholderCategory

# Each language of the interface, named in itself (the switch and the profile show these).
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}

CATEGORY_LABELS = {
    StakeholderCategory.PUBLIC_INSTITUTION: _l("Public institution"),
    StakeholderCategory.MINISTRY: _l("Ministry"),
    StakeholderCategory.CITY: _l("City"),
    StakeholderCategory.PRIVATE_COMPANY: _l("Private company"),
    StakeholderCategory.STARTUP: _l("Startup"),
    StakeholderCategory.RESEARCH_LAB: _l("Research lab"),
    StakeholderCategory.UNIVERSITY: _l("University"),
    StakeholderCategory.ASSOCIATION: _l("Association"),
    StakeholderCategory.OTHER: _l("Other"),
}
# Shown by the programme and by the schedule exports of the calendars.
SESSION_KIND_LABELS = {
    SessionKind.KEYNOTE: _l("Keynote"),
    SessionKind.PANEL: _l("Panel"),
    SessionKind.TALK: _l("Talk"),
    SessionKind.SHOWCASE_SLOT: _l("Showcase slot"),
    SessionKind.THINKLAB_MEETING: _l("Thinklab meeting"),
    SessionKind.WORKSHOP: _l("Workshop"),
    SessionKind.SIGNING_CEREMONY: _l("Signing ceremony"),
}

# The audit log names objects and what happened to them in words, never by table or key.
AUDIT_OBJECT_LABELS = {
    "edition": _l("Edition"),
    "editions": _l("Edition"),
    "edition_text": _l("Edition text in another language"),
    "edition_texts": _l("Edition text in another language"),
    "speaker": _l("Speaker"),
    "speakers": _l("Speaker"),
    "session": _l("Session"),
    "conference_sessions": _l("Session"),
    "showcase": _l("Showcase"),
    "showcases": _l("Showcase"),
    "showcase_transitions": _l("Showcase status"),
    "agreement": _l("Agreement"),
    "agreements": _l("Agreement"),
    "agreement_transitions": _l("Agreement status"),
    "commitment": _l("Commitment"),
    "commitments": _l("Commitment"),
    "role": _l("Role"),
    "edition_roles": _l("Role"),
    "account": _l("Account"),
    "users": _l("Account"),
    "mail_template": _l("Mail template"),
    "mail_template_overrides": _l("Mail template"),
    "mails": _l("Mails"),
}
AUDIT_VERB_LABELS = {
    "created": _l("created"),
    "updated": _l("updated"),
    "saved": _l("saved"),
    "deleted": _l("deleted"),
    "archived": _l("archived"),
    "published": _l("published"),
    "unpublished": _l("unpublished"),
    "programme_published": _l("programme published"),
    "renewed": _l("renewed"),
    "status_changed": _l("status changed"),
    "decided": _l("decided"),
    "submitted": _l("submitted"),
    "withdrawn": _l("withdrawn"),
    "granted": _l("granted"),
    "revoked": _l("revoked"),
    "disabled": _l("disabled"),
    "enabled": _l("enabled"),
    "reset": _l("reset"),
    "released": _l("released"),
}


def _words(key: str) -> str:
    """A key nobody labelled yet, at least without its underscores: "new_kind" → "new kind"."""
    return key.replace("_", " ").replace(".", " ").strip()


def audit_object_label(name: str | None) -> str:
    """The kind of object an audit entry is about, in words ("Session", "Agreement status")."""
    label = AUDIT_OBJECT_LABELS.get(name or "")
    return str(label) if label is not None else _words(name or "").capitalize()


def audit_action_label(action: str | None) -> str:
    """What an audit entry records, in words: "session.saved" gives "Session: saved"."""
    subject, _dot, verb = (action or "").rpartition(".")
    if not subject:
        subject, verb = verb, ""
    what = AUDIT_VERB_LABELS.get(verb)
    what = str(what) if what is not None else _words(verb)
    if not what:
        return audit_object_label(subject)
    return str(_l("%(object)s: %(what)s", object=audit_object_label(subject), what=what))
