"""The audience of ``make load``: visitors, feed subscribers, attendees and one organiser.

Started by ``bench/load.py``, which builds the data and writes the plan this file reads
(``AGORA_LOAD_PLAN``: the edition, session and speaker ids, attendee accounts and their
feed tokens, the organiser's account). Every request carries the headers of the reverse
proxy that terminates TLS in production (``X-Forwarded-Proto``, ``X-Forwarded-For``).
"""

import itertools
import json
import os
import random
import re
from datetime import datetime, timedelta

from locust import HttpUser, between, constant, task

PLAN = json.loads(open(os.environ["AGORA_LOAD_PLAN"]).read())
SLUG = PLAN["slug"]
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)
PLACE = re.compile(
    r'action="/sessions/(\d+)/place".*?name="csrf_token"[^>]*value="([^"]+)".*?'
    r'name="version" value="(\d+)".*?<option value="(\d*)" selected.*?'
    r'name="starts_local"[^>]*value="([^"]+)"',
    re.S,
)
_addresses = itertools.count(1)


_attendees = itertools.cycle(PLAN["attendees"])


class Visitor(HttpUser):
    """Someone at the conference with a phone: programme, sessions, speakers, exports."""

    abstract = True

    def on_start(self) -> None:
        number = next(_addresses)
        self.proxy = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
        }
        self.etags: dict[str, str] = {}

    def get(self, url: str, name: str, **kwargs):
        return self.keep_cookies(self.client.get(url, name=name, headers=self.proxy, **kwargs))

    def keep_cookies(self, response):
        """Mark the cookies sendable over HTTP.

        They are Secure (production); the proxy's TLS is played here on plain loopback
        HTTP, and the client would otherwise keep them to itself.
        """
        for cookie in self.client.cookies:
            cookie.secure = False
        return response

    def poll(self, url: str, name: str) -> None:
        """A calendar client polling: If-None-Match with the ETag it has."""
        headers = dict(self.proxy)
        if url in self.etags:
            headers["If-None-Match"] = self.etags[url]
        with self.client.get(url, name=name, headers=headers, catch_response=True) as response:
            if response.status_code in (200, 304):
                if response.headers.get("ETag"):
                    self.etags[url] = response.headers["ETag"]
                response.success()
            else:
                response.failure(f"status {response.status_code}")

    def post(self, url: str, name: str, data: dict):
        headers = {**self.proxy, "Referer": f"https://{self.host.split('://', 1)[1]}/"}
        return self.keep_cookies(
            self.client.post(url, name=name, data=data, headers=headers, allow_redirects=False)
        )

    def log_in(self, email: str, password: str) -> None:
        page = self.get("/login", "/login")
        self.post(
            "/login",
            "/login [POST]",
            {"email": email, "password": password, "csrf_token": csrf_of(page.text)},
        )


class Audience(Visitor):
    """Anonymous visitors: most of the traffic."""

    weight = 12
    wait_time = between(1, 4)

    @task(5)
    def programme(self) -> None:
        view = random.choice(("grid", "list"))
        self.get(f"/editions/{SLUG}/programme?view={view}", f"programme ({view})")

    @task(8)
    def session_page(self) -> None:
        self.get(f"/sessions/{random.choice(PLAN['sessions'])}", "/sessions/<id>")

    @task(3)
    def speaker_page(self) -> None:
        self.get(f"/speakers/{random.choice(PLAN['speakers'])}", "/speakers/<id>")

    @task(1)
    def edition_page(self) -> None:
        self.get(f"/editions/{SLUG}", "/editions/<slug>")

    @task(1)
    def exports(self) -> None:
        self.poll(f"/editions/{SLUG}/schedule.json", "schedule.json")

    @task(1)
    def catalogue(self) -> None:
        self.get("/showcases?q=mobility", "/showcases?q=")


class Subscriber(Visitor):
    """A calendar application: polls the edition feed and a personal agenda feed."""

    weight = 6
    wait_time = between(2, 6)

    def on_start(self) -> None:
        super().on_start()
        self.token = next(_attendees)["token"]

    @task(3)
    def edition_feed(self) -> None:
        self.poll(f"/editions/{SLUG}/calendar.ics", "calendar.ics (poll)")

    @task(1)
    def agenda_feed(self) -> None:
        self.poll(f"/agenda/{self.token}.ics", "/agenda/<token>.ics (poll)")


class Attendee(Visitor):
    """A registered attendee, logged in: browses and stars sessions."""

    weight = 2
    wait_time = between(2, 6)

    def on_start(self) -> None:
        super().on_start()
        account = next(_attendees)
        self.log_in(account["email"], PLAN["password"])

    @task(3)
    def programme(self) -> None:
        self.get(f"/editions/{SLUG}/programme?view=grid", "programme (grid, signed in)")

    @task(2)
    def star(self) -> None:
        session_id = random.choice(PLAN["sessions"])
        page = self.get(f"/sessions/{session_id}", "/sessions/<id> (signed in)")
        token = csrf_of(page.text)
        if token:
            self.post(
                f"/sessions/{session_id}/star",
                "/sessions/<id>/star",
                {"csrf_token": token, "next": f"/sessions/{session_id}"},
            )


class Organiser(Visitor):
    """One organiser moving a session every few seconds: caches go stale for real."""

    fixed_count = 1
    wait_time = constant(4)

    def on_start(self) -> None:
        super().on_start()
        self.log_in(PLAN["organiser"], PLAN["password"])
        self.moves = 0

    @task
    def move_a_session(self) -> None:
        page = self.get(
            f"/editions/{SLUG}/manage/schedule?day={PLAN['day']}", "schedule grid (organiser)"
        )
        found = PLACE.search(page.text)
        if not found:
            return
        session_id, token, version, room, starts = found.groups()
        self.moves += 1
        shift = timedelta(minutes=5 if self.moves % 2 else -5)
        moved = datetime.strptime(starts, "%Y-%m-%dT%H:%M") + shift
        self.post(
            f"/sessions/{session_id}/place",
            "/sessions/<id>/place [POST]",
            {
                "csrf_token": token,
                "version": version,
                "room_id": room,
                "starts_local": moved.strftime("%Y-%m-%dT%H:%M"),
                "accept_warnings": "y",
            },
        )


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    return (found.group(1) or found.group(2)) if found else ""
