"""The access table: every route declares who may reach it, and every route keeps its word.

The test is generated from ``app.url_map``: each route is requested as every kind of
user and the answer is checked against the audience the route declared. A route that
declares nothing fails, so every new page must state who it is for.
"""

from app.access import audience_of
from tests.access_table import audience_failures, routes


def test_every_route_declares_its_audience(app):
    undeclared = [rule.rule for rule in routes(app) if audience_of(app, rule.endpoint) is None]
    assert undeclared == [], f"routes without @access(...): {undeclared}"


def test_every_route_answers_as_its_audience_says(app, one_of_everything):
    assert audience_failures(app, one_of_everything, routes(app)) == []
