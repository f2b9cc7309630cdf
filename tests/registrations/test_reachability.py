"""Every page can be found: from the home page, following only links and GET forms, each
demo role reaches every route of the access table meant for it.

A route is "meant for" a role by its audience (anonymous pages for everyone, signed-in
pages for every account, organiser pages for organisers...). The exceptions are declared
below, each with its reason: routes reached only through a link sent by mail, and the
few a role has nothing to do with. A new page that nobody links fails this test.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from app.access import Audience, access_table

# Reached only through a link sent by mail (each carries a secret token).
MAIL_ONLY = {
    "auth.confirm_email",
    "auth.reset_password",
    "showcases.accept_invitation",
    "program.invitation",
    "program.invitation_profile",
    "notifications.unsubscribe",
}
# Not a page: the health probe of load balancers and monitors, and the JSON API (its
# operations are listed by the browsable document, /api/v1/docs, linked from every page).
# An edition's accent colours are a stylesheet its pages load with <link>, not a page.
NOT_PAGES = {"api.healthz", "api.openapi_json", "editions.identity_css"}
JSON_API_PREFIX = "api_v1."
# Uploaded files: the demo ships none (no photo, logo, material or document to link).
UPLOADED_FILES = {
    "program.speaker_photo",
    "showcases.logo",
    "showcases.material",
    "thinklabs.contribution_file",
    "agreements.document",
}
# For signed-out visitors only: a signed-in person does not log in or sign up again.
SIGNED_OUT_ONLY = {"auth.login", "auth.register", "auth.forgot_password"}
# A private feed: linked from My agenda once its owner asked for the address (a POST);
# the demo attendee has one.
PRIVATE_FEED = {"calendars.agenda_calendar"}

A = Audience
AUDIENCES = {
    None: {A.ANONYMOUS},
    "attendee@demo.agora": {A.ANONYMOUS, A.USER},
    "startup@demo.agora": {A.ANONYMOUS, A.USER, A.DELEGATE},
    "reviewer@demo.agora": {A.ANONYMOUS, A.USER, A.REVIEWER},
    "organiser@demo.agora": {A.ANONYMOUS, A.USER, A.ORGANISER, A.SITE_ORGANISER},
    "admin@demo.agora": {A.ANONYMOUS, A.USER, A.ORGANISER, A.SITE_ORGANISER, A.ADMIN},
}
# What a role has nothing to do with, although its audience would allow it.
# Everyone but the attendee is registered nowhere: the edition page offers "Register",
# not "My ticket". The attendee is registered for the only open edition already.
NOT_REGISTERED = {"registrations.ticket"}
# With an organisation one does not create another; without one, no showcase to submit.
HAS_ORGANISATION = {"showcases.new_organisation"}
NO_ORGANISATION = {"showcases.mine", "showcases.new_showcase"}
# Linked from the account page of an account an organiser tied to a speaker profile; no
# demo account speaks (tests/program/test_speaker_pages.py follows the link).
NOT_A_SPEAKER = {"program.my_speaker_profile"}
NOTHING_TO_DO = {
    None: PRIVATE_FEED,
    "attendee@demo.agora": NOT_A_SPEAKER | {"registrations.register"} | NO_ORGANISATION,
    # The demo startup is in no thinklab: its members' contributions feed is not for it.
    "startup@demo.agora": NOT_A_SPEAKER
    | NOT_REGISTERED
    | HAS_ORGANISATION
    | PRIVATE_FEED
    | {"thinklabs.contributions_json"},
    "reviewer@demo.agora": NOT_A_SPEAKER | NOT_REGISTERED | HAS_ORGANISATION | PRIVATE_FEED,
    "organiser@demo.agora": NOT_A_SPEAKER | NOT_REGISTERED | HAS_ORGANISATION | PRIVATE_FEED,
    "admin@demo.agora": NOT_A_SPEAKER | NOT_REGISTERED | NO_ORGANISATION | PRIVATE_FEED,
}
# Several addresses of one route, linked from the same kind of page, prove nothing more;
# this keeps the walk short (a startup's showcases are still found from its own list).
PER_ENDPOINT = 3


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in {"img", "iframe"} and attrs.get("src"):
            self.links.append(attrs["src"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = {"action": attrs.get("action") or "", "fields": []}
        elif self._form is not None and tag in {"input", "select"} and attrs.get("name"):
            if attrs.get("type") in {"checkbox", "radio", "submit"}:
                return
            self._form["fields"].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            query = urlencode([(k, v) for k, v in self._form["fields"] if v])
            self.links.append(self._form["action"] + ("?" + query if query else ""))
            self._form = None


def _crawl(app, client) -> set[str]:
    adapter = app.url_map.bind(app.config["SERVER_NAME"])
    host = app.config["SERVER_NAME"]
    seen_urls: set[str] = set()
    per_endpoint: dict[tuple, int] = {}
    found: set[str] = set()
    queue = deque([("/", None)])
    while queue:
        url, referrer = queue.popleft()
        if url in seen_urls:
            continue
        seen_urls.add(url)
        path = urlsplit(url).path
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except HTTPException:
            continue
        key = (referrer, endpoint)
        if per_endpoint.get(key, 0) >= PER_ENDPOINT:
            continue
        per_endpoint[key] = per_endpoint.get(key, 0) + 1
        response = client.get(url)
        if response.status_code in {301, 302, 303} and response.location:
            # A redirecting link (My showcases) counts, and its target is followed.
            found.add(endpoint)
            target = urlsplit(urljoin("http://" + host + path, response.location))
            if target.netloc == host:
                queue.appendleft(
                    (target.path + ("?" + target.query if target.query else ""), referrer)
                )
            continue
        if response.status_code != 200:
            continue
        found.add(endpoint)
        if not response.mimetype.startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
        for link in parser.links:
            if link.startswith("webcal://"):
                link = "http://" + link[len("webcal://") :]
            absolute = urljoin("http://" + host + path, link)
            parts = urlsplit(absolute)
            if parts.scheme != "http" or parts.netloc != host:
                continue
            query = [(k, v) for k, v in parse_qsl(parts.query) if k not in {"lang", "next"}]
            target = parts.path + ("?" + urlencode(query) if query else "")
            if target not in seen_urls:
                queue.append((target, endpoint))
    return found


def _expected(app, email) -> set[str]:
    audiences = AUDIENCES[email]
    return (
        {
            endpoint
            for _path, methods, endpoint, audience in access_table(app)
            if "GET" in methods.split(",") and Audience(audience) in audiences
        }
        - MAIL_ONLY
        - NOT_PAGES
        - {endpoint for endpoint in app.view_functions if endpoint.startswith(JSON_API_PREFIX)}
        - UPLOADED_FILES
        - NOTHING_TO_DO[email]
        - (SIGNED_OUT_ONLY if email else set())
    )


@pytest.mark.parametrize("email", list(AUDIENCES), ids=lambda e: e or "anonymous")
def test_every_route_meant_for_a_role_is_linked(app, client, demo, sign_in, email):
    if email:
        sign_in(email)
    found = _crawl(app, client)
    missing = sorted(_expected(app, email) - found)
    assert missing == [], f"{email or 'anonymous'} cannot find: {missing}"
