"""Labels that several areas show for the same values."""

from flask_babel import lazy_gettext as _l

from app.models import SessionKind, StakeholderCategory

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
