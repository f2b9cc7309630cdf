"""The agreement routes keep the word of their audience, as the site-wide access test checks."""

from tests.access_table import audience_failures, routes


def test_agreement_routes_answer_as_their_audience_says(app, one_of_everything):
    agreement_routes = [rule for rule in routes(app) if rule.rule.startswith("/agreements")]
    assert audience_failures(app, one_of_everything, agreement_routes) == []
