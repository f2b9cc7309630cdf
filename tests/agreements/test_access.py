"""The agreement routes keep the word of their audience, as the site-wide access test checks."""

from app.access import audience_of
from tests.core.test_access import ALLOWED, KINDS, _denied, _request, routes, sample_url, world

__all__ = ["world"]


def test_agreement_routes_answer_as_their_audience_says(app, world):
    failures = []
    for rule in routes(app):
        if not rule.rule.startswith("/agreements"):
            continue
        audience = audience_of(app, rule.endpoint)
        url = sample_url(rule, world)
        for kind in KINDS:
            client = app.test_client()
            if kind != "anonymous":
                with client.session_transaction() as flask_session:
                    flask_session["_user_id"] = str(world.users[kind])
                    flask_session["_fresh"] = True
            response = _request(client, rule, url)
            if response.status_code >= 500:
                failures.append(f"{kind} {url}: {response.status_code}")
            elif _denied(kind, response) != (kind in ALLOWED[audience]):
                continue
            else:
                failures.append(f"{rule.endpoint} {url} as {kind}: {response.status_code}")
    assert failures == []
