"""Subjects and names in every script arrive with the spaces they had: sent through the
outbox worker to a real SMTP server, then decoded from the raw message."""

import email
import re
from email.header import decode_header, make_header
from email.policy import default as default_policy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import OutboxMessage
from app.notifications.services import smtp, worker
from tests.notifications.conftest import queue

SUBJECTS = [
    "العربية الذكية 🎉",
    "مدينة ذكية 🏙️ الدار البيضاء الذكية 2023 — رمضان كريم 🎉 ✨ جلسة جديدة في القاعة",
    "Votre session « Ville smart, vers les transitions » est programmée 🎉 — 2023 « مدينة »",
    "2023 « مدينة 🏙️ » Casablanca Agora: 🎉  two  spaces and a trailing one ",
    "🎉 Casablanca Agora: العربية 2023 ذكية »",
    "ذكية » 2023 » Casablanca Agora: Casablanca 🎉 « Agora:",
    "A plain subject, long enough to be folded by the mail library at its seventy-eight columns",
]
NAME = "سلمى برادة 🎉"


def _decoded(raw: bytes, name: str) -> str:
    """A header of the raw message unfolded (RFC 5322 2.2.3) and decoded the classic
    way, by ``decode_header``."""
    value = re.sub(r"\r?\n(?=[ \t])", "", email.message_from_bytes(raw)[name])
    return str(make_header(decode_header(value)))


@pytest.mark.parametrize("subject", SUBJECTS)
def test_subjects_and_names_keep_their_spaces_through_smtp(app_ctx, smtp_server, subject):
    (message,) = queue(subject=subject, recipient="salma@example.org", recipient_name=NAME)
    stored = message.subject
    assert stored == " ".join(subject.split())  # the outbox keeps subjects on one line

    assert worker.send_due()["sent"] == 1

    (received,) = smtp_server.received
    assert received.message["Subject"] == stored
    assert _decoded(received.raw, "Subject") == stored
    (to,) = received.message["To"].addresses
    assert (to.display_name, to.addr_spec) == (NAME, "salma@example.org")
    assert _decoded(received.raw, "To") == f"{NAME} <salma@example.org>"
    headers = received.raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in headers.split(b"\r\n"))


WORDS = st.sampled_from(
    ["العربية", "الذكية", "مدينة", "🎉", "🏙️", "Casablanca", "Agora:", "«", "»", "2023", "—", "é"]
)


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(WORDS, min_size=1, max_size=24), st.lists(WORDS, min_size=1, max_size=4))
def test_built_mails_keep_the_spaces_of_subjects_and_names(app_ctx, subject_words, name_words):
    subject, name = " ".join(subject_words), " ".join(name_words)
    message = OutboxMessage(
        kind="test.notice",
        recipient="salma@example.org",
        recipient_name=name,
        subject=subject,
        body_text="Hello",
    )
    raw = smtp.build_mail(message).as_bytes()
    parsed = email.message_from_bytes(raw, policy=default_policy)
    assert parsed["Subject"] == subject
    assert _decoded(raw, "Subject") == subject
    if len(name.encode()) <= 45:  # longer names: see worker._mailbox
        assert parsed["To"].addresses[0].display_name == name
    assert _decoded(raw, "To") == f"{name} <salma@example.org>"


TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    min_size=1,
    max_size=120,
)


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(TEXT.filter(lambda text: not text.isascii()))
def test_encoded_words_give_back_any_text(text):
    raw = f"Subject: {smtp.encode_words(text)}\r\n\r\n".replace("\n ", "\r\n ").encode()
    assert _decoded(raw, "Subject") == text
    assert email.message_from_bytes(raw, policy=default_policy)["Subject"] == text
