"""Organisation mails, queued in the outbox: a colleague's invitation."""

from app.models import Organisation, OutboxMessage, User
from app.models.organisations import OrganisationInvitation
from app.notifications.services import EVENTS, flatten, queue_email, render_notification
from app.urls import absolute_link


def notify_invitation(
    invitation: OrganisationInvitation, token: str, organisation: Organisation, by: User
) -> OutboxMessage:
    """Mail a colleague the link that makes them a delegate, in the inviter's language."""
    locale = by.locale or "en"
    event = "organisations.invitation"
    context = {
        "organisation": organisation,
        "inviter": by,
        "link": absolute_link("showcases.accept_invitation", token=token),
        "expires_at": invitation.expires_at,
    }
    subject, text, html = render_notification(event, None, locale, context)
    return queue_email(
        kind=event,
        recipient=invitation.email,
        locale=locale,
        subject=subject,
        body_text=text,
        body_html=html,
        created_by=by,
        layout=True,
        template_event=event,
        template_context=flatten(EVENTS[event], context),
    )
