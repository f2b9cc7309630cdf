"""Schemathesis against the OpenAPI document, in process: whatever it generates (wrong
types, unknown fields, odd strings, big numbers), no answer is a server error and none
contradicts the document. A fixed number of examples per operation keeps the run short.

Schemathesis' own pytest plugin does not run under this pytest, so each operation's
strategy is drawn with Hypothesis directly.
"""

from datetime import date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    Commitment,
    Edition,
    MeetingMode,
    Thinklab,
)
from app.registrations import services as registrations
from tests.factories import make_organisation

EXAMPLES_PER_OPERATION = 35
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
NEGATIVE_CHECKS = [*CHECKS, checks.negative_data_rejection]


def _operations(app):
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in document.get_all_operations()]


@pytest.fixture
def fuzzed(app, world):
    """The API world with a thinklab, an agreement with a commitment, and registration
    open with a question, so the operations on them reach their services."""
    with app.app_context():
        edition = db.session.get(Edition, world.edition_id)
        thinklab = Thinklab(
            slug="api-thinklab",
            name="Thinklab",
            timezone="Africa/Tunis",
            edition=edition,
            first_meeting_local=datetime(2027, 1, 5, 10, 0),
            rrule="FREQ=MONTHLY;COUNT=6",
            meeting_mode=MeetingMode.ONLINE,
            online_url="https://meet.example.org/lab",
        )
        thinklab.refresh_instants()
        agreement = Agreement(kind=AgreementKind.CONVENTION, title="Convention", edition=edition)
        for organisation in (make_organisation(), make_organisation()):
            agreement.parties.append(AgreementParty(organisation=organisation))
        commitment = Commitment(
            agreement=agreement, title="Target", due_date=date(2028, 1, 1), target_value=10
        )
        db.session.add_all([thinklab, agreement, commitment])
        registrations.save_settings(
            edition, is_open=True, capacity=None, closes_local=None, questions=["Diet?"]
        )
        db.session.commit()
        world.values = {
            "slug": world.slug,
            "thinklab_slug": thinklab.slug,
            "agreement_id": agreement.id,
            "commitment_id": commitment.id,
        }
    return world


def _fuzz(app, world, who: str | None, mode: GenerationMode, examples: int) -> list[str]:
    headers = world.auth(who) if who else {}
    chosen = NEGATIVE_CHECKS if mode is GenerationMode.NEGATIVE else CHECKS
    failures = []
    for operation in _operations(app):
        path_parameters = {
            name: value
            for name, value in world.values.items()
            if "{" + name + "}" in operation.path
        } or None
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

        @given(case=strategy)
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=chosen)

        try:
            run()
        except Unsatisfiable:
            # Nothing in this operation can be made invalid (its only parameter is fixed).
            continue
        except (Exception, BaseExceptionGroup) as failure:  # every operation's, then report
            failures.append(f"{operation.label}: {failure}"[:3000])
    return failures


def test_an_organiser_gets_no_server_error_and_nothing_off_the_document(app, fuzzed):
    failures = _fuzz(app, fuzzed, "organiser", GenerationMode.POSITIVE, EXAMPLES_PER_OPERATION)
    assert not failures, "\n\n".join(failures)


def test_invalid_input_is_refused_with_a_4xx(app, fuzzed):
    failures = _fuzz(app, fuzzed, "organiser", GenerationMode.NEGATIVE, EXAMPLES_PER_OPERATION)
    assert not failures, "\n\n".join(failures)


def test_anonymous_callers_get_no_server_error(app, fuzzed):
    failures = _fuzz(app, fuzzed, None, GenerationMode.POSITIVE, 10)
    assert not failures, "\n\n".join(failures)
