"""The registry of mail templates: one entry per event, its placeholders and its defaults.

A default is the template file under ``templates/email/`` (rendered by Flask, with the
objects its area passes); ``templates`` beside this module renders it, or an edition's
override of it. The sample values of an event are plain data: the registry imports no
other area.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

LOCALES = ("en", "fr")

# Optional mails people may refuse; every other mail is one they asked for or need.
CATEGORIES = {
    "digests": _l("Digests of my thinklabs"),
    "reminders": _l("Reminders about agreements and commitments"),
    "announcements": _l("Announcements of the editions I take part in"),
}


@dataclass(frozen=True)
class Event:
    """One kind of mail: its placeholders, default subject and template file.

    :param template: path under ``templates/email/`` without extension.
    :param placeholders: dotted name -> what it holds (shown on the editing page).
    :param subject: default subject per language, a template over the placeholders.
    :param draft: mails of this event wait for an organiser's release.
    :param category: the optional-mail category, None for mails that always go.
    :param body_editable: False when the body holds lists the placeholders cannot carry.
    """

    key: str
    label: object
    template: str
    placeholders: dict[str, object]
    subject: dict[str, str]
    draft: bool = False
    category: str | None = None
    body_editable: bool = True
    samples: dict[str, object] = field(default_factory=dict)


_RECIPIENT = {"user.display_name": _l("the recipient's name")}
_EDITION = {
    "edition.title": _l("the edition's title"),
    "edition.organised_by": _l("who organises the edition"),
}
_SHOWCASE = {
    "showcase.title": _l("the showcase's title"),
    "organisation.name": _l("the organisation presenting it"),
    "link": _l("the address of the showcase's page"),
}
_SESSION = {
    "recipient.name": _l("the recipient's name"),
    "item.title": _l("the session's title"),
    "when": _l("date, hours and time zone of the session"),
    "place": _l("room, venue and town, or the online link"),
    "link": _l("the address of the session's page"),
}
_AGREEMENT = {
    **_RECIPIENT,
    "agreement.title": _l("the agreement's title"),
    "days": _l("the number of days left"),
    "link": _l("the address of the agreement's page"),
}

EVENTS: dict[str, Event] = {
    event.key: event
    for event in [
        Event(
            "showcases.received",
            _l("Showcase received"),
            "showcases/received",
            {**_RECIPIENT, **_EDITION, **_SHOWCASE},
            {
                "en": "We received your showcase “{{ showcase.title }}”",
                "fr": "Nous avons bien reçu votre showcase « {{ showcase.title }} »",
            },
        ),
        Event(
            "showcases.decision.accepted",
            _l("Decision: accepted"),
            "showcases/decision_accepted",
            {**_RECIPIENT, **_EDITION, **_SHOWCASE},
            {
                "en": "Your showcase is accepted: “{{ showcase.title }}”",
                "fr": "Votre showcase est retenu : « {{ showcase.title }} »",
            },
            draft=True,
        ),
        Event(
            "showcases.decision.waitlisted",
            _l("Decision: waiting list"),
            "showcases/decision_waitlisted",
            {**_RECIPIENT, **_EDITION, **_SHOWCASE},
            {
                "en": "Your showcase is on the waiting list: “{{ showcase.title }}”",
                "fr": "Votre showcase est en liste d'attente : « {{ showcase.title }} »",
            },
            draft=True,
        ),
        Event(
            "showcases.decision.rejected",
            _l("Decision: not accepted"),
            "showcases/decision_rejected",
            {**_RECIPIENT, **_EDITION, **_SHOWCASE},
            {
                "en": "Our decision on your showcase: “{{ showcase.title }}”",
                "fr": "Notre décision sur votre showcase : « {{ showcase.title }} »",
            },
            draft=True,
        ),
        Event(
            "organisations.invitation",
            _l("Invitation to represent an organisation"),
            "showcases/invitation",
            {
                "inviter.display_name": _l("the name of the delegate who invites"),
                "organisation.name": _l("the organisation"),
                "link": _l("the single-use link that accepts the invitation"),
                "expires_at": _l("when the link stops working"),
            },
            {
                "en": "{{ inviter.display_name }} invites you to represent "
                "{{ organisation.name }} on Agora",
                "fr": "{{ inviter.display_name }} vous invite à représenter "
                "{{ organisation.name }} sur Agora",
            },
        ),
        Event(
            "program.session_changed",
            _l("Session scheduled or moved"),
            "program/session_changed",
            dict(_SESSION),
            {"en": "Changed: {{ item.title }}", "fr": "Modifiée : {{ item.title }}"},
        ),
        Event(
            "program.session_cancelled",
            _l("Session cancelled"),
            "program/session_cancelled",
            dict(_SESSION),
            {"en": "Cancelled: {{ item.title }}", "fr": "Annulée : {{ item.title }}"},
        ),
        Event(
            "program.speaker_invitation",
            _l("Speaker invitation"),
            "program/speaker_invitation",
            {
                **_SESSION,
                "edition.title": _l("the edition's title"),
                "respond_link": _l("the address where the speaker answers"),
            },
            {
                "en": "Invitation to speak: {{ item.title }}",
                "fr": "Invitation à intervenir : {{ item.title }}",
            },
        ),
        Event(
            "thinklabs.meeting",
            _l("Thinklab meeting"),
            "thinklabs/meeting",
            {
                **_RECIPIENT,
                "thinklab.name": _l("the thinklab's name"),
                "change": _l("what happened: added, updated, moved, restored or cancelled"),
                "when": _l("date, hours and time zone of the meeting"),
                "original": _l("when a moved meeting was planned first"),
                "place": _l("where the meeting takes place, or its online link"),
                "note": _l("the organiser's note on the change"),
                "link": _l("the address of the thinklab's page"),
            },
            {
                "en": (
                    "{% if change == 'added' %}Invitation to the meetings of {{ thinklab.name }}"
                    "{% elif change == 'updated' %}Changed: the meetings of {{ thinklab.name }}"
                    "{% elif change == 'moved' %}Meeting moved: {{ thinklab.name }}, {{ when }}"
                    "{% elif change == 'restored' %}Meeting back on: {{ thinklab.name }}, "
                    "{{ when }}{% elif change == 'removed' %}No longer a member: "
                    "{{ thinklab.name }}{% else %}Meeting cancelled: {{ thinklab.name }}, "
                    "{{ when }}{% endif %}"
                ),
                "fr": (
                    "{% if change == 'added' %}Invitation aux réunions de {{ thinklab.name }}"
                    "{% elif change == 'updated' %}Changement : les réunions de "
                    "{{ thinklab.name }}{% elif change == 'moved' %}Réunion déplacée : "
                    "{{ thinklab.name }}, {{ when }}{% elif change == 'restored' %}Réunion "
                    "rétablie : {{ thinklab.name }}, {{ when }}{% elif change == 'removed' %}"
                    "Vous ne faites plus partie de {{ thinklab.name }}{% else %}Réunion annulée : "
                    "{{ thinklab.name }}, {{ when }}{% endif %}"
                ),
            },
        ),
        Event(
            "thinklabs.digest",
            _l("Thinklab digest"),
            "thinklabs/digest",
            {**_RECIPIENT, "day": _l("the day the digest covers")},
            {"en": "Yesterday in your thinklabs", "fr": "Hier dans vos thinklabs"},
            category="digests",
            body_editable=False,
            samples={"day": date(2026, 3, 14)},
        ),
        Event(
            "agreements.commitment_due",
            _l("Reminder: commitment due"),
            "agreements/commitment_due",
            {**_AGREEMENT, "commitment.title": _l("the commitment's title")},
            {
                "en": "Due in {{ days }} days: {{ commitment.title }}",
                "fr": "Échéance dans {{ days }} jours : {{ commitment.title }}",
            },
            category="reminders",
        ),
        Event(
            "agreements.commitment_late",
            _l("Reminder: commitment late"),
            "agreements/commitment_late",
            {**_AGREEMENT, "commitment.title": _l("the commitment's title")},
            {"en": "Late: {{ commitment.title }}", "fr": "En retard : {{ commitment.title }}"},
            category="reminders",
        ),
        Event(
            "agreements.expiring",
            _l("Reminder: agreement ending"),
            "agreements/agreement_expiring",
            dict(_AGREEMENT),
            {
                "en": "Agreement ending soon: {{ agreement.title }}",
                "fr": "Accord bientôt échu : {{ agreement.title }}",
            },
            category="reminders",
        ),
        Event(
            "registrations.confirmed",
            _l("Registration confirmed"),
            "notifications/registration_confirmed",
            {**_RECIPIENT, **_EDITION, "link": _l("the address of the edition's page")},
            {
                "en": "You are registered for {{ edition.title }}",
                "fr": "Votre inscription à {{ edition.title }} est confirmée",
            },
        ),
        Event(
            "auth.password_reset",
            _l("Password reset"),
            "auth/password_reset",
            {
                **_RECIPIENT,
                "link": _l("the single-use reset link"),
                "valid_minutes": _l("how many minutes the link works"),
            },
            {"en": "Reset your Agora password", "fr": "Réinitialisez votre mot de passe Agora"},
        ),
        Event(
            "auth.confirm_email",
            _l("Email confirmation"),
            "auth/confirm_email",
            {
                **_RECIPIENT,
                "link": _l("the confirmation link"),
                "valid_days": _l("how many days the link works"),
            },
            {
                "en": "Confirm your email address for Agora",
                "fr": "Confirmez votre adresse e-mail pour Agora",
            },
        ),
        Event(
            "notifications.announcement",
            _l("Announcement"),
            "notifications/announcement",
            {
                **_RECIPIENT,
                **_EDITION,
                "message": _l("the text the organiser wrote"),
            },
            {"en": "{{ edition.title }}", "fr": "{{ edition.title }}"},
            draft=True,
            category="announcements",
        ),
    ]
}


def category_of(kind: str) -> str | None:
    """Return the optional-mail category of a kind of mail, or None if it always goes."""
    event = EVENTS.get(kind)
    return event.category if event is not None else None
