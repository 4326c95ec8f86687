"""CommercetoolsError: parsing commercetools error bodies, and what it shows."""

from __future__ import annotations

import json

import pytest
from giftcard_connect.commercetools import CommercetoolsError
from giftcard_connect.commercetools.transport import Response
from giftcard_connect.errors import GiftCardConnectError
from urllib3._collections import HTTPHeaderDict

PATH = "/demo/payments/p-1"


def make_response(status, body, *, headers=None, sent_correlation_id=None):
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(
        status, HTTPHeaderDict(headers or {}), content, "POST", PATH, sent_correlation_id
    )


def test_conflict_body_gives_codes_version_and_header_correlation_id():
    body = {
        "statusCode": 409,
        "message": "Version mismatch. Concurrent modification.",
        "errors": [{"code": "ConcurrentModification", "currentVersion": 7, "message": "…"}],
    }
    response = make_response(
        409, body, headers={"X-Correlation-ID": "from-ct"}, sent_correlation_id="ours"
    )

    error = CommercetoolsError.from_response(response)

    assert isinstance(error, GiftCardConnectError)
    assert error.status_code == 409
    assert error.errors == body["errors"]
    assert error.codes == ["ConcurrentModification"]
    assert error.has_code("ConcurrentModification") and not error.has_code("InvalidInput")
    assert error.current_version == 7
    assert error.is_conflict and not error.is_unavailable
    assert error.correlation_id == "from-ct"
    assert error.message == "POST /demo/payments/p-1: Version mismatch. Concurrent modification."


def test_correlation_id_falls_back_to_the_one_we_sent():
    response = make_response(
        400, {"errors": [{"code": "InvalidInput", "message": "bad"}]}, sent_correlation_id="ours"
    )

    error = CommercetoolsError.from_response(response)

    assert error.correlation_id == "ours"
    assert error.message.endswith(": bad")  # the first error's message when none at the top


def test_several_codes_in_order():
    body = {"errors": [{"code": "RequiredField", "field": "amount"}, {"code": "InvalidInput"}]}

    error = CommercetoolsError.from_response(make_response(400, body))

    assert error.codes == ["RequiredField", "InvalidInput"]
    assert error.current_version is None
    assert not error.is_conflict


def test_html_error_page_does_not_crash_parsing():
    html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"

    error = CommercetoolsError.from_response(make_response(502, html))

    assert error.status_code == 502
    assert error.errors == [] and error.codes == []
    assert error.is_unavailable
    assert "non-JSON" in error.message
    assert "<html>" not in str(error)


@pytest.mark.parametrize("body", [b"", b"[1, 2]", b'"text"', b'{"errors": "nope"}'])
def test_odd_bodies_give_no_errors(body):
    error = CommercetoolsError.from_response(make_response(500, body))
    assert error.errors == [] and error.codes == []


def test_bare_oauth_error_becomes_one_error():
    body = {"error": "invalid_client", "error_description": "Please provide valid credentials"}

    error = CommercetoolsError.from_response(make_response(401, body))

    assert error.codes == ["invalid_client"]
    assert error.message.endswith("Please provide valid credentials")


def test_conflict_needs_both_409_and_concurrent_modification():
    other_409 = CommercetoolsError("x", status_code=409, errors=[{"code": "Other"}])
    modification_400 = CommercetoolsError(
        "x", status_code=400, errors=[{"code": "ConcurrentModification", "currentVersion": 3}]
    )
    assert not other_409.is_conflict
    assert not modification_400.is_conflict
    assert modification_400.current_version == 3


@pytest.mark.parametrize("version", ["7", None, True, 7.5])
def test_current_version_must_be_an_int(version):
    error = CommercetoolsError(
        "x", status_code=409, errors=[{"code": "ConcurrentModification", "currentVersion": version}]
    )
    assert error.current_version is None


@pytest.mark.parametrize(
    "status, unavailable", [(None, True), (500, True), (503, True), (404, False), (409, False)]
)
def test_is_unavailable(status, unavailable):
    assert CommercetoolsError("x", status_code=status).is_unavailable is unavailable


def test_str_puts_correlation_id_first_and_repr_shows_key_fields_only():
    error = CommercetoolsError(
        "GET /demo/carts/c-1: The Resource with ID 'c-1' was not found.",
        status_code=404,
        errors=[
            {"code": "ResourceNotFound", "message": "The Resource with ID 'c-1' was not found."}
        ],
        correlation_id="corr-42",
    )

    assert str(error).startswith("[correlation id corr-42] HTTP 404: GET /demo/carts/c-1")
    assert repr(error) == (
        "CommercetoolsError(status_code=404, codes=['ResourceNotFound'], correlation_id='corr-42')"
    )


def test_str_without_a_response():
    error = CommercetoolsError("GET /x: ReadTimeout", correlation_id="c")
    assert str(error) == "[correlation id c] no response: GET /x: ReadTimeout"
