"""A tour of Agora's JSON API with plain ``requests``.

It builds a small edition (a series, an edition, a track, a venue and a room), schedules
two sessions, publishes the edition, submits a showcase and reads the edition's iCal, all
through ``/api/v1`` with personal tokens.

    flask --app wsgi api-token organiser@demo.agora --scope read_write   # prints a token
    flask --app wsgi api-token startup@demo.agora --scope read_write
    AGORA_TOKEN=... AGORA_DELEGATE_TOKEN=... python examples/api_tour.py

``AGORA_URL`` defaults to http://127.0.0.1:5000. The organiser's token must be a site
organiser's (to create the series and edition); the delegate's an account that represents
an organisation (the showcase is theirs). Without a delegate token the organiser submits.
"""

import os
import sys
import uuid
from datetime import UTC, date, datetime, timedelta

import requests

BASE = os.environ.get("AGORA_URL", "http://127.0.0.1:5000").rstrip("/") + "/api/v1"


def client(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def call(session: requests.Session, method: str, path: str, **kwargs) -> requests.Response:
    response = session.request(method, BASE + path, timeout=30, **kwargs)
    if response.status_code >= 400:
        error = response.json()
        sys.exit(
            f"{method} {path}: {error['status']} {error['code']}: {error['message']}"
            f" {error['errors']}"
        )
    return response


def main() -> None:
    organiser = client(os.environ["AGORA_TOKEN"])
    delegate = client(os.environ.get("AGORA_DELEGATE_TOKEN") or os.environ["AGORA_TOKEN"])
    me = call(organiser, "GET", "/me").json()
    print(f"organiser: {me['display_name']} <{me['email']}> (token scope {me['token_scope']})")

    tag = uuid.uuid4().hex[:6]
    series = call(
        organiser,
        "POST",
        "/series",
        json={"slug": f"tour-{tag}", "name": f"API tour {tag}"},
        headers={"Idempotency-Key": f"series-{tag}"},
    ).json()
    start = date.today() + timedelta(days=90)
    closes = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=30)
    edition = call(
        organiser,
        "POST",
        "/editions",
        json={
            "series": series["slug"],
            "slug": f"tour-{tag}-2027",
            "number": 1,
            "year": start.year,
            "title": f"Smart City API tour {tag}",
            "format": "conference",
            "timezone": "Africa/Casablanca",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=1)).isoformat(),
            "call_opens_local": "2026-01-01T09:00:00",
            "call_closes_local": closes.strftime("%Y-%m-%dT%H:%M:%S"),
        },
        headers={"Idempotency-Key": f"edition-{tag}"},
    ).json()
    slug = edition["slug"]
    print(f"edition: {slug} ({edition['status']}, {edition['timezone']})")

    track = call(
        organiser, "POST", f"/editions/{slug}/tracks", json={"name": "Smart mobility"}
    ).json()
    venue = call(
        organiser,
        "POST",
        f"/editions/{slug}/venues",
        json={"name": "Parc des expositions", "town": "Casablanca"},
    ).json()
    room = call(
        organiser,
        "POST",
        f"/editions/{slug}/venues/{venue['id']}/rooms",
        json={"name": "Hall A", "capacity": 300},
    ).json()
    print(f"structure: track {track['id']}, venue {venue['id']}, room {room['id']}")

    day = start.isoformat()
    for title, begins, ends in (
        ("Opening keynote: metropolitan transitions", "09:00", "10:00"),
        ("Panel: data for public transport", "10:30", "11:30"),
    ):
        session = call(
            organiser,
            "POST",
            f"/editions/{slug}/sessions",
            json={
                "kind": "keynote" if "keynote" in title else "panel",
                "title": title,
                "track_id": track["id"],
                "room_id": room["id"],
                "starts_local": f"{day}T{begins}:00",
                "ends_local": f"{day}T{ends}:00",
                "status": "confirmed",
            },
            headers={"Idempotency-Key": f"session-{tag}-{begins}"},
        )
        body = session.json()
        print(
            f"scheduled: #{body['id']} {body['title']} {body['starts_local']} {body['timezone']}"
            f" (ETag {session.headers['ETag']})"
        )

    published = call(organiser, "POST", f"/editions/{slug}/publish").json()
    print(f"edition is {published['status']}")

    draft = call(
        delegate,
        "POST",
        "/showcases",
        json={
            "edition": slug,
            "title": f"On-demand minibuses {tag}",
            "summary": "Shared rides booked by phone, routed every five minutes.",
            "kind": "project",
            "track_id": track["id"],
        },
        headers={"Idempotency-Key": f"showcase-{tag}"},
    )
    showcase = draft.json()
    submitted = call(
        delegate,
        "POST",
        f"/showcases/{showcase['id']}/submit",
        json={},
        headers={"If-Match": draft.headers["ETag"]},
    ).json()
    print(f"showcase: #{submitted['id']} {submitted['title']} is {submitted['status']}")

    listed = call(organiser, "GET", f"/editions/{slug}/sessions", params={"sort": "starts_at"})
    print(f"sessions listed: {listed.json()['total']}")
    calendar = call(organiser, "GET", f"/editions/{slug}/calendar.ics")
    events = calendar.text.count("BEGIN:VEVENT")
    print(
        f"calendar: {calendar.headers['Content-Type']}, {events} events,"
        f" ETag {calendar.headers['ETag']}"
    )
    for line in calendar.text.splitlines():
        if line.startswith(("SUMMARY:", "DTSTART")):
            print("  " + line)
    again = organiser.get(
        f"{BASE}/editions/{slug}/calendar.ics",
        headers={"If-None-Match": calendar.headers["ETag"]},
        timeout=30,
    )
    print(f"calendar again with If-None-Match: {again.status_code}")


if __name__ == "__main__":
    main()
