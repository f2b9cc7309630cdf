"""Schemathesis against the OpenAPI document, in process: whatever it generates (wrong
types, unknown fields, odd strings, big numbers), no answer is a server error and none
contradicts the document. A fixed number of examples per operation keeps the run short.

Schemathesis' own pytest plugin does not run under this pytest, so each operation's
strategy is drawn with Hypothesis directly.
"""

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

EXAMPLES_PER_OPERATION = 50
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


def _fuzz(app, world, who: str | None, mode: GenerationMode, examples: int) -> list[str]:
    headers = world.auth(who) if who else {}
    chosen = NEGATIVE_CHECKS if mode is GenerationMode.NEGATIVE else CHECKS
    failures = []
    for operation in _operations(app):
        path_parameters = {"slug": world.slug} if "{slug}" in operation.path else None
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


def test_an_organiser_gets_no_server_error_and_nothing_off_the_document(app, world):
    failures = _fuzz(app, world, "organiser", GenerationMode.POSITIVE, EXAMPLES_PER_OPERATION)
    assert not failures, "\n\n".join(failures)


def test_invalid_input_is_refused_with_a_4xx(app, world):
    failures = _fuzz(app, world, "organiser", GenerationMode.NEGATIVE, EXAMPLES_PER_OPERATION)
    assert not failures, "\n\n".join(failures)


def test_anonymous_callers_get_no_server_error(app, world):
    failures = _fuzz(app, world, None, GenerationMode.POSITIVE, 10)
    assert not failures, "\n\n".join(failures)
