"""MockProviderClient against `responses` stubs: error mapping, timeouts and retries."""

import json

import pytest
import requests
import responses
from giftcard_connect import GiftCard, GiftCardError, Money, ProviderUnavailable, VoidResult
from giftcard_connect_mock import MockProviderClient

URL = "http://mock.test"
CARD = GiftCard("Valid-1000-EUR", "9876")
EUR = Money(300, "EUR")


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(http, sleeps):
    return MockProviderClient(
        URL, http=http, timeout=(1.0, 2.0), api_key="key-xyz", sleep=sleeps.append
    )


@pytest.fixture
def stub():
    with responses.RequestsMock() as mocked:
        yield mocked


def redemption_body(reference="ref-1"):
    return {"id": "rdm_1", "reference": reference, "amount": EUR.to_dict()}


def sent(call):
    return json.loads(call.request.body)


def test_client_redeem_sends_reference_key_and_timeout(client, stub):
    stub.post(f"{URL}/v1/redemptions", json=redemption_body(), status=201)
    redemption = client.redeem(CARD, EUR, "ref-1")
    assert redemption.redemption_id == "rdm_1"
    assert redemption.amount == EUR
    request = stub.calls[0].request
    assert request.headers["Authorization"] == "Bearer key-xyz"
    assert request.req_kwargs["timeout"] == (1.0, 2.0)
    assert sent(stub.calls[0]) == {
        "code": CARD.code,
        "pin": CARD.pin,
        "amount": EUR.to_dict(),
        "reference": "ref-1",
    }


def test_client_balance_sends_currency(client, stub):
    stub.post(f"{URL}/v1/balance", json={"amount": {"centAmount": 1000, "currencyCode": "EUR"}})
    assert client.balance(GiftCard("Valid-1000-EUR"), "EUR").amount == Money(1000, "EUR")
    assert sent(stub.calls[0]) == {"code": "Valid-1000-EUR", "currencyCode": "EUR"}


@pytest.mark.parametrize(
    "code, status, state",
    [
        ("Expired", 400, "Expired"),
        ("NotFound", 404, "NotFound"),
        ("ZeroBalance", 400, "ZeroBalance"),
        ("CurrencyNotMatch", 400, "CurrencyNotMatch"),
        ("Invalid", 404, "Invalid"),
        ("InvalidPin", 400, "Invalid"),
        ("InsufficientBalance", 400, "Invalid"),
        ("Voided", 400, "Invalid"),
        ("ReferenceConflict", 409, "Invalid"),
    ],
)
def test_client_maps_declines_to_gift_card_errors(client, stub, code, status, state):
    stub.post(
        f"{URL}/v1/redemptions",
        status=status,
        json={"error": {"code": code, "message": "Declined"}},
    )
    with pytest.raises(GiftCardError) as caught:
        client.redeem(CARD, EUR, "ref-1")
    assert (caught.value.state, caught.value.code, caught.value.message) == (
        state,
        code,
        "Declined",
    )
    assert len(stub.calls) == 1


def test_client_never_repeats_a_message_holding_the_code_or_pin(client, stub):
    stub.post(
        f"{URL}/v1/redemptions",
        status=400,
        json={"error": {"code": "Expired", "message": f"card {CARD.code} pin {CARD.pin}"}},
    )
    with pytest.raises(GiftCardError) as caught:
        client.redeem(CARD, EUR, "ref-1")
    assert caught.value.message == "Gift card declined: Expired"


def test_client_balance_generic_error_is_a_gift_card_state(client, stub):
    stub.post(
        f"{URL}/v1/balance",
        status=500,
        json={"error": {"code": "GenericError", "message": "Provider error"}},
    )
    with pytest.raises(GiftCardError) as caught:
        client.balance(CARD, "EUR")
    assert caught.value.state == "GenericError"


def test_client_redeem_generic_error_is_outcome_unknown(client, stub):
    stub.post(
        f"{URL}/v1/redemptions",
        status=500,
        json={"error": {"code": "GenericError", "message": "Provider error"}},
    )
    with pytest.raises(ProviderUnavailable):
        client.redeem(CARD, EUR, "ref-1")


@pytest.mark.parametrize(
    "status, body, content_type",
    [
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
        (200, "<html>maintenance</html>", "text/html"),
        (201, '["not", "an", "object"]', "application/json"),
        (201, '{"id": "rdm_1"}', "application/json"),
        (
            201,
            '{"id": "rdm_1", "amount": {"centAmount": "300", "currencyCode": "EUR"}}',
            "application/json",
        ),
        (404, "<html>Not Found</html>", "text/html"),
        (400, '{"error": {"code": "SomethingNew"}}', "application/json"),
    ],
)
def test_client_unusable_answers_are_provider_unavailable(client, stub, status, body, content_type):
    stub.post(f"{URL}/v1/redemptions", status=status, body=body, content_type=content_type)
    with pytest.raises(ProviderUnavailable) as caught:
        client.redeem(CARD, EUR, "ref-1")
    assert CARD.code not in str(caught.value)
    assert CARD.pin not in str(caught.value)


def test_client_rejected_key_is_not_retryable(client, stub):
    stub.post(
        f"{URL}/v1/redemptions",
        status=401,
        json={"error": {"code": "Unauthorized", "message": "Missing or wrong API key"}},
    )
    with pytest.raises(ProviderUnavailable) as caught:
        client.redeem(CARD, EUR, "ref-1")
    assert caught.value.retryable is False
    assert "GIFTCARD_MOCK_API_KEY" in str(caught.value)
    assert "key-xyz" not in str(caught.value)


def test_client_read_timeout_is_unavailable_and_not_retried(client, stub, sleeps):
    stub.post(f"{URL}/v1/redemptions", body=requests.ReadTimeout("read timed out"))
    with pytest.raises(ProviderUnavailable, match="in time"):
        client.redeem(CARD, EUR, "ref-1")
    assert len(stub.calls) == 1
    assert sleeps == []


def test_client_retries_a_connection_error_once_with_the_same_reference(client, stub, sleeps):
    stub.post(f"{URL}/v1/redemptions", body=requests.ConnectionError("refused"))
    stub.post(f"{URL}/v1/redemptions", json=redemption_body(), status=200)
    assert client.redeem(CARD, EUR, "ref-1").redemption_id == "rdm_1"
    assert [sent(call)["reference"] for call in stub.calls] == ["ref-1", "ref-1"]
    assert sleeps == [0.2]


def test_client_retries_a_503_once_then_gives_up(client, stub, sleeps):
    stub.post(
        f"{URL}/v1/voids",
        status=503,
        json={"error": {"code": "ServiceUnavailable", "message": "try later"}},
    )
    with pytest.raises(ProviderUnavailable) as caught:
        client.void("ref-1")
    assert caught.value.retryable is True
    assert [sent(call) for call in stub.calls] == [{"reference": "ref-1"}] * 2
    assert sleeps == [0.2]


def test_client_gives_up_after_two_connection_errors(client, stub, sleeps):
    stub.post(f"{URL}/v1/voids", body=requests.ConnectionError("refused"))
    with pytest.raises(ProviderUnavailable, match="could not be reached"):
        client.void("ref-1")
    assert len(stub.calls) == 2
    assert len(sleeps) == 1


def test_client_void_results(client, stub):
    stub.post(f"{URL}/v1/voids", json={"reference": "a", "voided": False})
    stub.post(f"{URL}/v1/voids", json={"reference": "b", "voided": True, "amount": EUR.to_dict()})
    assert client.void("a") == VoidResult("a", False)
    assert client.void("b") == VoidResult("b", True, EUR)


def test_client_void_of_another_reference_is_not_a_confirmation(client, stub):
    stub.post(f"{URL}/v1/voids", json={"reference": "other", "voided": False})
    with pytest.raises(ProviderUnavailable):
        client.void("mine")


def test_client_cancel_quotes_the_redemption_id(client, stub):
    stub.post(
        f"{URL}/v1/redemptions/rdm%2F1/cancellations",
        status=201,
        json={"id": "cnl_1", "redemptionId": "rdm/1", "reference": "c", "amount": EUR.to_dict()},
    )
    cancellation = client.cancel("rdm/1", EUR, "c")
    assert (cancellation.cancellation_id, cancellation.amount) == ("cnl_1", EUR)
    assert sent(stub.calls[0]) == {"amount": EUR.to_dict(), "reference": "c"}


@pytest.mark.parametrize(
    "kwargs, up",
    [
        ({"json": {"status": "UP"}}, True),
        ({"json": {"status": "DOWN"}}, False),
        ({"status": 503, "json": {"error": {"code": "ServiceUnavailable"}}}, False),
        ({"body": "<html>", "content_type": "text/html"}, False),
        ({"body": requests.ConnectionError("refused")}, False),
    ],
)
def test_client_health(client, stub, kwargs, up):
    stub.get(f"{URL}/v1/health", **kwargs)
    assert client.health() is up
    assert len(stub.calls) == 1


def test_client_repr_shows_the_url_only(client):
    assert repr(client) == "MockProviderClient('http://mock.test')"
