"""The mock provider's HTTP API through Flask's test client: codes, PINs, money movements."""

import pytest
from giftcard_connect_mock.ledger import SEEDED_CARDS


def error_code(response):
    return response.get_json()["error"]["code"]


def test_service_valid_code_reports_its_balance(api):
    response = api.balance("Valid-1000-EUR")
    assert response.status_code == 200
    assert response.get_json() == {"amount": {"centAmount": 1000, "currencyCode": "EUR"}}


@pytest.mark.parametrize(
    "code, status, expected",
    [
        ("Valid-0-EUR", 400, "ZeroBalance"),
        ("Expired", 400, "Expired"),
        ("NotFound", 404, "NotFound"),
        ("GenericError", 500, "GenericError"),
        ("Something-Else", 404, "Invalid"),
        ("Valid-12-eur", 404, "Invalid"),
    ],
)
def test_service_magic_codes_decline_balance(api, code, status, expected):
    response = api.balance(code)
    assert response.status_code == status
    assert error_code(response) == expected
    assert code not in response.get_json()["error"]["message"]


@pytest.mark.parametrize("code", ["Valid-0-EUR", "Expired", "NotFound", "GenericError", "Bogus"])
def test_service_magic_codes_decline_redeem_without_charging(api, code):
    response = api.redeem(code, 100)
    assert response.status_code >= 400
    assert api.ledger()["redemptions"] == []


def test_service_double_zero_code_passes_balance_but_redeem_is_expired(api):
    assert api.balance("Valid-001000-EUR").get_json()["amount"]["centAmount"] == 1000
    response = api.redeem("Valid-001000-EUR", 100)
    assert response.status_code == 400
    assert error_code(response) == "Expired"
    assert api.card_balance("Valid-001000-EUR") == 1000


def test_service_valid_code_balance_persists_across_redeems(api):
    assert api.redeem("Valid-1000-EUR", 300, reference="a").status_code == 201
    assert api.redeem("Valid-1000-EUR", 200, reference="b").status_code == 201
    assert api.balance("Valid-1000-EUR").get_json()["amount"]["centAmount"] == 500


def test_service_redeem_returns_id_reference_and_amount_only(api):
    body = api.redeem("Valid-1000-EUR", 300, reference="r-1").get_json()
    assert set(body) == {"id", "reference", "amount"}
    assert body["reference"] == "r-1"
    assert body["amount"] == {"centAmount": 300, "currencyCode": "EUR"}


def test_service_insufficient_balance_declines(api):
    response = api.redeem("Valid-1000-EUR", 1001)
    assert response.status_code == 400
    assert error_code(response) == "InsufficientBalance"
    assert api.card_balance("Valid-1000-EUR") == 1000


def test_service_redeem_in_other_currency_declines(api):
    response = api.redeem("Valid-1000-EUR", 100, currency="USD")
    assert error_code(response) == "CurrencyNotMatch"


def test_service_balance_in_other_currency_declines(api):
    assert error_code(api.balance("Valid-1000-EUR", currencyCode="GBP")) == "CurrencyNotMatch"
    assert api.balance("Valid-1000-EUR", currencyCode="EUR").status_code == 200


@pytest.mark.parametrize("code, pin, cents, currency", SEEDED_CARDS)
def test_service_seeded_pin_cards_need_their_pin(api, code, pin, cents, currency):
    assert api.balance(code, pin=pin).get_json()["amount"] == {
        "centAmount": cents,
        "currencyCode": currency,
    }
    for wrong in (None, "0000"):
        response = api.balance(code, pin=wrong)
        assert response.status_code == 400
        assert error_code(response) == "InvalidPin"
        assert pin not in response.get_data(as_text=True)
    assert error_code(api.redeem(code, 100, currency=currency, pin="0000")) == "InvalidPin"
    assert api.redeem(code, 100, currency=currency, pin=pin).status_code == 201
    assert api.card_balance(code) == cents - 100


def test_service_same_reference_twice_debits_once(api):
    first = api.redeem("Valid-1000-EUR", 300, reference="same")
    second = api.redeem("Valid-1000-EUR", 300, reference="same")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()
    assert api.card_balance("Valid-1000-EUR") == 700
    assert len(api.ledger()["redemptions"]) == 1


@pytest.mark.parametrize("code, cents", [("Valid-2000-EUR", 300), ("Valid-1000-EUR", 400)])
def test_service_same_reference_for_other_redemption_conflicts(api, code, cents):
    api.redeem("Valid-1000-EUR", 300, reference="same")
    response = api.redeem(code, cents, reference="same")
    assert response.status_code == 409
    assert error_code(response) == "ReferenceConflict"
    assert api.card_balance("Valid-1000-EUR") == 700


@pytest.mark.parametrize(
    "body",
    [
        {"code": "Valid-1000-EUR", "amount": {"centAmount": 100, "currencyCode": "EUR"}},
        {
            "code": "Valid-1000-EUR",
            "reference": "r",
            "amount": {"centAmount": 0, "currencyCode": "EUR"},
        },
        {
            "code": "Valid-1000-EUR",
            "reference": "r",
            "amount": {"centAmount": 1.5, "currencyCode": "EUR"},
        },
        {
            "code": "Valid-1000-EUR",
            "reference": "r",
            "amount": {"centAmount": 100, "currencyCode": "euro"},
        },
        {"reference": "r", "amount": {"centAmount": 100, "currencyCode": "EUR"}},
        ["not", "an", "object"],
    ],
)
def test_service_redeem_rejects_malformed_bodies(api, body):
    response = api.post("/v1/redemptions", body)
    assert response.status_code == 400
    assert error_code(response) == "InvalidRequest"
    assert "Valid-1000-EUR" not in response.get_json()["error"]["message"]


def test_service_partial_cancellations_credit_the_card(api):
    redemption = api.redeem("Valid-1000-EUR", 600).get_json()
    first = api.cancel(redemption["id"], 200, reference="c1")
    assert first.status_code == 201
    assert first.get_json()["amount"] == {"centAmount": 200, "currencyCode": "EUR"}
    assert first.get_json()["redemptionId"] == redemption["id"]
    assert api.cancel(redemption["id"], 400, reference="c2").status_code == 201
    assert api.card_balance("Valid-1000-EUR") == 1000


def test_service_over_cancel_declines(api):
    redemption = api.redeem("Valid-1000-EUR", 600).get_json()
    api.cancel(redemption["id"], 500, reference="c1")
    response = api.cancel(redemption["id"], 101, reference="c2")
    assert response.status_code == 400
    assert error_code(response) == "AmountExceedsRedemption"
    assert api.card_balance("Valid-1000-EUR") == 900


def test_service_cancel_is_idempotent_by_reference(api):
    redemption = api.redeem("Valid-1000-EUR", 600).get_json()
    first = api.cancel(redemption["id"], 200, reference="c1")
    again = api.cancel(redemption["id"], 200, reference="c1")
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert api.card_balance("Valid-1000-EUR") == 600
    assert error_code(api.cancel(redemption["id"], 300, reference="c1")) == "ReferenceConflict"


def test_service_cancel_of_unknown_redemption_is_not_found(api):
    response = api.cancel("rdm_unknown", 100)
    assert response.status_code == 404
    assert error_code(response) == "RedemptionNotFound"


def test_service_cancel_in_other_currency_declines(api):
    redemption = api.redeem("Valid-1000-EUR", 600).get_json()
    assert error_code(api.cancel(redemption["id"], 100, currency="USD")) == "CurrencyNotMatch"


def test_service_void_gives_back_what_was_not_cancelled(api):
    redemption = api.redeem("Valid-1000-EUR", 600, reference="r").get_json()
    api.cancel(redemption["id"], 100)
    response = api.void("r")
    assert response.status_code == 200
    assert response.get_json() == {
        "reference": "r",
        "voided": True,
        "amount": {"centAmount": 500, "currencyCode": "EUR"},
    }
    assert api.card_balance("Valid-1000-EUR") == 1000
    assert api.ledger()["redemptions"][0]["voided"] is True


def test_service_void_twice_is_a_no_op(api):
    api.redeem("Valid-1000-EUR", 600, reference="r")
    first = api.void("r").get_json()
    assert api.void("r").get_json() == first
    assert api.card_balance("Valid-1000-EUR") == 1000


def test_service_void_without_redemption_leaves_a_tombstone(api):
    response = api.void("never-redeemed")
    assert response.status_code == 200
    assert response.get_json() == {"reference": "never-redeemed", "voided": False}
    assert api.ledger()["voids"] == [{"reference": "never-redeemed", "voided": False}]


def test_service_redeem_after_void_is_refused(api):
    api.void("late")
    response = api.redeem("Valid-1000-EUR", 300, reference="late")
    assert response.status_code == 400
    assert error_code(response) == "Voided"
    assert api.ledger()["redemptions"] == []


def test_service_cancel_after_void_is_refused(api):
    redemption = api.redeem("Valid-1000-EUR", 600, reference="r").get_json()
    api.void("r")
    assert error_code(api.cancel(redemption["id"], 100)) == "Voided"
    assert api.card_balance("Valid-1000-EUR") == 1000


def test_service_health_is_up(client):
    assert client.get("/v1/health").get_json() == {"status": "UP"}


def test_service_unknown_route_is_json_and_not_a_card_decline(client):
    response = client.get("/v1/balance")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "Http405"
    assert client.get("/nowhere").get_json()["error"]["code"] == "Http404"
