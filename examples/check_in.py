"""A check-in desk on Agora's JSON API with plain ``requests``.

Reads ticket codes (one a line, as a QR scanner types them) and checks each in at the
edition's door. A ticket checked in before is refused with the time of its first
check-in; a scan retried after a network failure sends the same ``Idempotency-Key`` and
gets the first answer instead of a refusal.

    flask --app wsgi api-token organiser@demo.agora --scope read_write   # prints a token
    AGORA_TOKEN=... python examples/check_in.py casablanca-smart-city-2023

``AGORA_URL`` defaults to http://127.0.0.1:5000. The token must be an organiser's of the
edition. ``--list`` prints who is checked in so far instead.
"""

import os
import sys
import uuid

import requests

BASE = os.environ.get("AGORA_URL", "http://127.0.0.1:5000").rstrip("/") + "/api/v1"


def check_in(session: requests.Session, edition: str, code: str) -> str:
    # One key a scan, sent again only by the retries of that scan: a second scan of the
    # same ticket is a new request, and is refused.
    key = f"check-in-{uuid.uuid4()}"
    for _attempt in range(3):
        try:
            answer = session.post(
                f"{BASE}/editions/{edition}/check-ins",
                json={"code": code},
                headers={"Idempotency-Key": key},
                timeout=10,
            )
            break
        except requests.ConnectionError:
            continue
    else:
        return "no answer from Agora; try again"
    body = answer.json()
    if answer.status_code == 201:
        return f"welcome, {body['full_name']}"
    if body["code"] == "already_checked_in":
        return f"already checked in at {body['errors']['checked_in_at'][0]}"
    return f"refused ({answer.status_code} {body['code']}): {body['message']}"


def checked_in(session: requests.Session, edition: str) -> None:
    page = 1
    while True:
        answer = session.get(
            f"{BASE}/editions/{edition}/registrations",
            params={"checked_in": "true", "sort": "checked_in_at", "page": page, "per_page": 100},
            timeout=30,
        )
        answer.raise_for_status()
        body = answer.json()
        for person in body["items"]:
            print(f"{person['checked_in_at']}  {person['full_name']}  {person['email']}")
        if page * body["per_page"] >= body["total"]:
            return
        page += 1


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    edition = sys.argv[1]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {os.environ['AGORA_TOKEN']}"
    if "--list" in sys.argv[2:]:
        checked_in(session, edition)
        return
    for line in sys.stdin:
        code = line.strip()
        if code:
            print(check_in(session, edition, code), flush=True)


if __name__ == "__main__":
    main()
