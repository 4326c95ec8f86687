"""CommercetoolsClient: request bodies and parameters, answers, errors and secrecy."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from ct_helpers import (
    AUTH,
    CARTS,
    CLIENT_ID,
    PAYMENTS,
    PK,
    SECRET,
    SESSIONS,
    TOKEN_URL,
    ScriptedPools,
    add_token,
    calls_to,
    payment,
    refused,
)
from giftcard_connect.commercetools import CommercetoolsError


def body_of(call):
    return json.loads(call.request.body)


def test_create_session_sends_cart_ref_and_metadata(pools, client):
    add_token(pools)
    pools.post(SESSIONS, json={"id": "s-1", "activeCart": {"cartRef": {"id": "c-1"}}})
    metadata = {"processorUrl": "https://p.example", "allowedPaymentMethods": ["giftcard"]}

    session = client.create_session("c-1", metadata)

    assert session["id"] == "s-1"
    assert body_of(pools.calls[-1]) == {"cart": {"cartRef": {"id": "c-1"}}, "metadata": metadata}


def test_get_payment_by_key_returns_none_on_404(pools, client):
    add_token(pools)
    not_found = {"statusCode": 404, "errors": [{"code": "ResourceNotFound"}]}
    pools.get(f"{PAYMENTS}/key=missing", json=not_found, status=404)
    pools.get(f"{PAYMENTS}/key=order-1", json=payment())

    assert client.get_payment_by_key("missing") is None
    assert client.get_payment_by_key("order-1") == payment()


def test_get_payment_404_raises(pools, client):
    add_token(pools)
    pools.get(f"{PAYMENTS}/p-9", json={"errors": [{"code": "ResourceNotFound"}]}, status=404)

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-9")
    assert caught.value.status_code == 404
    assert caught.value.codes == ["ResourceNotFound"]


def test_query_payments_params(pools, client):
    add_token(pools)
    page = {"limit": 20, "offset": 40, "count": 0, "results": []}
    pools.get(PAYMENTS, json=page)

    result = client.query_payments(
        ['interfaceId="r-1"', 'paymentMethodInfo(method="giftcard")'],
        limit=20,
        offset=40,
        sort="createdAt desc",
    )

    assert result == page
    assert parse_qsl(urlsplit(pools.calls[-1].request.url).query) == [
        ("where", 'interfaceId="r-1"'),
        ("where", 'paymentMethodInfo(method="giftcard")'),
        ("limit", "20"),
        ("offset", "40"),
        ("withTotal", "false"),
        ("sort", "createdAt desc"),
    ]


def test_query_payments_defaults(pools, client):
    add_token(pools)
    pools.get(PAYMENTS, json={"results": []})

    client.query_payments(['key="k"'])

    query = parse_qs(urlsplit(pools.calls[-1].request.url).query)
    assert query == {
        "where": ['key="k"'],
        "limit": ["100"],
        "offset": ["0"],
        "withTotal": ["false"],
    }


def test_update_payment_and_cart_send_version_and_actions(pools, client):
    add_token(pools)
    pools.post(f"{PAYMENTS}/p-1", json=payment(4))
    pools.post(f"{CARTS}/c-1", json={"id": "c-1", "version": 9})
    payment_actions = [{"action": "setInterfaceId", "interfaceId": "r-1"}]
    cart_actions = [{"action": "addPayment", "payment": {"typeId": "payment", "id": "p-1"}}]

    assert client.update_payment("p-1", 3, payment_actions)["version"] == 4
    assert client.update_cart("c-1", 8, cart_actions)["version"] == 9
    assert body_of(pools.calls[1]) == {"version": 3, "actions": payment_actions}
    assert body_of(pools.calls[2]) == {"version": 8, "actions": cart_actions}


def test_update_without_actions_is_refused(pools, client):
    with pytest.raises(ValueError):
        client.update_payment("p-1", 1, [])
    assert len(pools.calls) == 0


def test_get_cart_and_create_cart(pools, client):
    add_token(pools)
    pools.get(f"{CARTS}/c-1", json={"id": "c-1", "version": 1})
    pools.post(CARTS, json={"id": "c-2", "version": 1}, status=201)

    assert client.get_cart("c-1")["id"] == "c-1"
    assert client.create_cart({"currency": "EUR"})["id"] == "c-2"
    assert body_of(pools.calls[-1]) == {"currency": "EUR"}


def test_introspect_uses_basic_auth_and_form_body(pools, client):
    answer = {"active": True, "scope": "manage_checkout_payment_intents:demo", "exp": 1}
    pools.post(f"{AUTH}/oauth/introspect", json=answer)

    assert client.introspect("their-token") == answer

    request = pools.calls[-1].request
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert parse_qs(request.body) == {"token": ["their-token"]}
    assert calls_to(pools, "POST", TOKEN_URL) == []  # no bearer needed


def test_introspection_failure_does_not_show_the_token(pools, client):
    pools.post(f"{AUTH}/oauth/introspect", json={"error": "invalid_client"}, status=401)

    with pytest.raises(CommercetoolsError) as caught:
        client.introspect("their-token")
    assert caught.value.status_code == 401
    assert "their-token" not in str(caught.value) + repr(caught.value)


def test_error_answer_raises_with_status_codes_and_correlation_id(pools, make_client):
    add_token(pools)
    body = {
        "statusCode": 400,
        "message": "Request body does not contain valid JSON.",
        "errors": [
            {"code": "InvalidJsonInput", "message": "Request body does not contain valid JSON."}
        ],
    }
    pools.post(PAYMENTS, json=body, status=400, headers={"X-Correlation-ID": "ct-side"})
    client = make_client(correlation_id=lambda: "ours")

    with pytest.raises(CommercetoolsError) as caught:
        client.create_payment({})
    error = caught.value
    assert (error.status_code, error.codes, error.correlation_id) == (
        400,
        ["InvalidJsonInput"],
        "ct-side",
    )
    assert str(error).startswith("[correlation id ct-side] HTTP 400: POST /demo/payments:")


@pytest.mark.parametrize("body", [b"<html>OK</html>", b"[]", b""])
def test_success_without_a_json_object_raises(pools, client, body):
    add_token(pools)
    pools.get(f"{PAYMENTS}/p-1", body=body, status=200)

    with pytest.raises(CommercetoolsError) as caught:
        client.get_payment("p-1")
    assert caught.value.status_code == 200
    assert "not a JSON object" in caught.value.message


def test_a_body_that_is_not_json_is_refused_before_anything_is_sent(pools, client):
    add_token(pools)

    with pytest.raises(CommercetoolsError) as caught:
        client.create_payment({"amountPlanned": {"centAmount": float("nan")}})

    assert caught.value.status_code is None
    assert caught.value.message == "POST /demo/payments: ValueError"
    assert calls_to(pools, "POST", PAYMENTS) == []


def test_secrets_stay_out_of_client_repr_and_errors(pools, client):
    add_token(pools, token="bearer-value")
    pools.get(f"{PAYMENTS}/p-1", json={"errors": [{"code": "insufficient_scope"}]}, status=403)
    pools.get(f"{PAYMENTS}/p-2", body=refused())

    errors = []
    for pid in ("p-1", "p-2"):
        with pytest.raises(CommercetoolsError) as caught:
            client.get_payment(pid)
        errors.append(caught.value)

    shown = repr(client) + str(client) + "".join(str(e) + repr(e) for e in errors)
    assert PK in repr(client)
    assert SECRET not in shown
    assert "bearer-value" not in shown
    assert "Basic" not in shown


def test_close_closes_only_owned_pools(make_client):
    given = ScriptedPools()
    make_client(http=given).close()
    assert given.cleared == 0  # pools passed in belong to the caller

    owned = make_client(http=None)
    closed = []
    owned._transport.http.clear = lambda: closed.append(True)
    owned.close()
    assert closed == [True]
