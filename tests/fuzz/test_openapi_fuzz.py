"""schemathesis, every check, against a processor on loopback: the bounded run for CI.

The longer run is ``python -m tests.fuzz.run --max-examples 1000`` (docs/reliability.md).
"""

from __future__ import annotations

from .run import fuzz

# Every check schemathesis has (``--checks all``); each must have judged real answers.
CHECKS = {
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
    "positive_data_acceptance", "missing_required_header", "unsupported_method",
    "allow_header_conformance", "use_after_free", "ensure_resource_availability",
    "ignored_auth", "object_level_authorization", "max_response_time",
}


def test_the_processor_answers_only_what_its_openapi_document_declares():
    result = fuzz(max_examples=50, seed=20261202)
    assert result.exit_code == 0, result.output[-20_000:]
    assert result.failures == 0
    assert result.operations == 8  # every operation of the document
    assert result.cases >= 300
    ran = {key.split(":")[0] for key in result.checks}
    assert ran == CHECKS, sorted(CHECKS - ran)
    assert {key.split(":")[1] for key in result.checks} == {"success"}
    print(f"fuzz: {result.operations} operations, {result.cases} test cases, "
          f"{result.checks_run} checks, {result.failures} failed")
