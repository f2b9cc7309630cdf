"""The registry of mail templates: one entry per event, its placeholders and its defaults.

A default is the template file under ``templates/email/`` (rendered by Flask, with the
objects its area passes); ``templates`` beside this module renders it, or an edition's
override of it. The sample values of an event are plain data: the registry imports no
other area.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l

from app.formatting import number

LOCALES = ("en", "fr", "ar")

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
    :param samples: preview values of this event beyond :data:`SAMPLES`, including values
        its default file reads that are not placeholders (``commitment.due_date``).
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


# What a preview shows for each placeholder (names and titles stay in their own language,
# as real content does); dates are formatted in the preview's language when shown.
SAMPLES: dict[str, object] = {
    "user.display_name": "Amina Benali",
    "recipient.name": "Amina Benali",
    "inviter.display_name": "Karim Haddad",
    "edition.title": "Bizerte Smart City Expo 2026",
    "edition.organised_by": "Ville de Bizerte",
    "showcase.title": "Water sensors for the Médina",
    "organisation.name": "Médina Labs",
    "item.title": "Mobility in the old towns",
    "thinklab.name": "Bizerte 2050",
    "agreement.title": "Convention Grenoble INP – ENIB",
    "commitment.title": "Train 40 engineers",
    "message": "The doors open at 9:00.",
    "place": "Salle Ibn Khaldoun, Bizerte",
    "note": "The room changed.",
    "change": "moved",
    "days": 7,
    "valid_minutes": 30,
    "valid_days": 3,
    "expires_at": datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
    "when": datetime(2026, 6, 2, 9, 0, tzinfo=UTC),
    "original": datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
    "day": date(2026, 3, 14),
}
# Values the commitment reminders' default files read beyond their placeholders.
_COMMITMENT_SAMPLES = {
    "commitment.due_date": date(2026, 6, 1),
    "commitment.target_value": 40,
    "commitment.unit": "engineers",
    "state.latest": 12,
    "state.status": "at_risk",
    "status_labels": {"at_risk": _l("At risk")},
    "number": number,
}

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
                "ar": "توصّلنا بعرضكم « {{ showcase.title }} »",
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
                "ar": "تمّ قبول عرضكم: « {{ showcase.title }} »",
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
                "ar": "عرضكم في قائمة الانتظار: « {{ showcase.title }} »",
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
                "ar": "قرارنا بشأن عرضكم: « {{ showcase.title }} »",
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
                "ar": "يدعوكم {{ inviter.display_name }} إلى تمثيل "
                "{{ organisation.name }} على أغورا",
            },
        ),
        Event(
            "program.session_changed",
            _l("Session scheduled or moved"),
            "program/session_changed",
            dict(_SESSION),
            {
                "en": "Changed: {{ item.title }}",
                "fr": "Modifiée : {{ item.title }}",
                "ar": "تعديل: {{ item.title }}",
            },
        ),
        Event(
            "program.session_cancelled",
            _l("Session cancelled"),
            "program/session_cancelled",
            dict(_SESSION),
            {
                "en": "Cancelled: {{ item.title }}",
                "fr": "Annulée : {{ item.title }}",
                "ar": "إلغاء: {{ item.title }}",
            },
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
                "ar": "دعوة للمداخلة: {{ item.title }}",
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
                "ar": (
                    "{% if change == 'added' %}دعوة إلى اجتماعات {{ thinklab.name }}"
                    "{% elif change == 'updated' %}تعديل: اجتماعات {{ thinklab.name }}"
                    "{% elif change == 'moved' %}تغيير موعد اجتماع: {{ thinklab.name }}، "
                    "{{ when }}{% elif change == 'restored' %}إعادة برمجة اجتماع: "
                    "{{ thinklab.name }}، {{ when }}{% elif change == 'removed' %}"
                    "لم تعودوا أعضاء في {{ thinklab.name }}{% else %}إلغاء اجتماع: "
                    "{{ thinklab.name }}، {{ when }}{% endif %}"
                ),
            },
        ),
        Event(
            "thinklabs.digest",
            _l("Thinklab digest"),
            "thinklabs/digest",
            {**_RECIPIENT, "day": _l("the day the digest covers")},
            {
                "en": "Yesterday in your thinklabs",
                "fr": "Hier dans vos thinklabs",
                "ar": "أمس في مختبرات التفكير الخاصة بكم",
            },
            category="digests",
            body_editable=False,
        ),
        Event(
            "agreements.commitment_due",
            _l("Reminder: commitment due"),
            "agreements/commitment_due",
            {**_AGREEMENT, "commitment.title": _l("the commitment's title")},
            {
                "en": "Due in {{ days }} day{{ '' if days|int == 1 else 's' }}: "
                "{{ commitment.title }}",
                "fr": "Échéance dans {{ days }} jour{{ 's' if days|int > 1 else '' }} : "
                "{{ commitment.title }}",
                # Arabic counts in six forms (zero, one, two, few, many, other).
                "ar": "{% set n = days|int % 100 %}الأجل بعد "
                "{% if days|int == 1 %}يوم واحد{% elif days|int == 2 %}يومين"
                "{% elif 3 <= n <= 10 %}{{ days }} أيام{% elif 11 <= n <= 99 %}{{ days }} يومًا"
                "{% else %}{{ days }} يوم{% endif %}: {{ commitment.title }}",
            },
            category="reminders",
            samples=_COMMITMENT_SAMPLES,
        ),
        Event(
            "agreements.commitment_late",
            _l("Reminder: commitment late"),
            "agreements/commitment_late",
            {**_AGREEMENT, "commitment.title": _l("the commitment's title")},
            {
                "en": "Late: {{ commitment.title }}",
                "fr": "En retard : {{ commitment.title }}",
                "ar": "متأخر: {{ commitment.title }}",
            },
            category="reminders",
            samples=_COMMITMENT_SAMPLES,
        ),
        Event(
            "agreements.expiring",
            _l("Reminder: agreement ending"),
            "agreements/agreement_expiring",
            dict(_AGREEMENT),
            {
                "en": "Agreement ending soon: {{ agreement.title }}",
                "fr": "Accord bientôt échu : {{ agreement.title }}",
                "ar": "اتفاقية تنتهي قريبًا: {{ agreement.title }}",
            },
            category="reminders",
            samples={"agreement.expiry_date": date(2026, 6, 1)},
        ),
        Event(
            "registrations.confirmed",
            _l("Registration confirmed"),
            "notifications/registration_confirmed",
            {**_RECIPIENT, **_EDITION, "link": _l("the address of the edition's page")},
            {
                "en": "You are registered for {{ edition.title }}",
                "fr": "Votre inscription à {{ edition.title }} est confirmée",
                "ar": "تمّ تأكيد تسجيلكم في {{ edition.title }}",
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
            {
                "en": "Reset your Agora password",
                "fr": "Réinitialisez votre mot de passe Agora",
                "ar": "أعيدوا تعيين كلمة مروركم على أغورا",
            },
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
                "ar": "أكّدوا عنوان بريدكم الإلكتروني على أغورا",
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
            {"en": "{{ edition.title }}", "fr": "{{ edition.title }}", "ar": "{{ edition.title }}"},
            draft=True,
            category="announcements",
        ),
    ]
}


def kind_label(kind: str) -> str:
    """The name organisers read for a kind of mail ("Decision: accepted"), never its key."""
    event = EVENTS.get(kind)
    return str(event.label) if event is not None else str(_l("Other mail"))


def category_of(kind: str) -> str | None:
    """Return the optional-mail category of a kind of mail, or None if it always goes."""
    event = EVENTS.get(kind)
    return event.category if event is not None else None
