"""Admin endpoints, fault knobs and the API key, through Flask's test client."""

import time

import pytest
from giftcard_connect_mock import create_app


def test_admin_seeds_a_card_with_pin(api):
    response = api.post(
        "/_admin/cards", {"code": "Shop-42", "pin": "77", "centAmount": 900, "currencyCode": "CZK"}
    )
    assert response.status_code == 201
    assert api.balance("Shop-42", pin="77").get_json()["amount"] == {
        "centAmount": 900,
        "currencyCode": "CZK",
    }
    assert api.balance("Shop-42").get_json()["error"]["code"] == "InvalidPin"


def test_admin_seeds_an_expired_card(api):
    api.post(
        "/_admin/cards",
        {"code": "Old-1", "centAmount": 900, "currencyCode": "EUR", "expired": True},
    )
    assert api.balance("Old-1").get_json()["error"]["code"] == "Expired"
    assert api.redeem("Old-1", 100).get_json()["error"]["code"] == "Expired"


@pytest.mark.parametrize(
    "body",
    [
        {"centAmount": 1, "currencyCode": "EUR"},
        {"code": "X", "centAmount": -1, "currencyCode": "EUR"},
        {"code": "X", "centAmount": 1, "currencyCode": "EUR", "expired": "yes"},
    ],
)
def test_admin_rejects_malformed_cards(api, body):
    assert api.post("/_admin/cards", body).status_code == 400


def test_admin_ledger_shows_redemptions_cancellations_and_voids(api):
    redemption = api.redeem("Valid-1000-EUR", 600, reference="r").get_json()
    api.cancel(redemption["id"], 100, reference="c")
    api.void("r")
    ledger = api.ledger()
    assert ledger["cards"]["Valid-1000-EUR"]["amount"]["centAmount"] == 1000
    assert ledger["redemptions"] == [
        {
            "id": redemption["id"],
            "reference": "r",
            "code": "Valid-1000-EUR",
            "amount": {"centAmount": 600, "currencyCode": "EUR"},
            "cancelled": {"centAmount": 100, "currencyCode": "EUR"},
            "voided": True,
        }
    ]
    assert [c["reference"] for c in ledger["cancellations"]] == ["c"]
    assert ledger["voids"][0]["amount"]["centAmount"] == 500


def test_admin_reset_forgets_everything_but_the_seeded_cards(api):
    api.redeem("Valid-1000-EUR", 600)
    api.faults(fail_next=5)
    assert api.post("/_admin/reset", {}).status_code == 200
    ledger = api.ledger()
    assert sorted(ledger["cards"]) == ["PIN-5000-EUR", "PIN-7500-GBP"]
    assert ledger["redemptions"] == []
    assert api.client.get("/_admin/faults").get_json()["fail_next"] == 0


def test_faults_error_rate_one_fails_every_call_before_it_acts(api):
    api.faults(error_rate=1)
    response = api.redeem("Valid-1000-EUR", 100)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "ServiceUnavailable"
    assert api.ledger()["redemptions"] == []


def test_faults_error_rate_is_repeatable_with_a_seed(client):
    def statuses():
        client.put("/_admin/faults", json={"error_rate": 0.5, "seed": 7})
        return [client.get("/v1/health").status_code for _ in range(20)]

    first = statuses()
    assert first == statuses()
    assert {200, 503} == set(first)


def test_faults_fail_next_fails_that_many_calls(api):
    api.faults(fail_next=2)
    assert [api.balance("Valid-1000-EUR").status_code for _ in range(3)] == [503, 503, 200]


def test_faults_latency_delays_provider_calls_only(api):
    api.faults(latency=0.2)
    started = time.monotonic()
    api.client.get("/v1/health")
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    api.ledger()
    assert time.monotonic() - started < 0.2


def test_faults_delete_clears_them(api):
    api.faults(fail_next=3, latency=1)
    assert api.client.delete("/_admin/faults").get_json()["fail_next"] == 0
    assert api.balance("Valid-1000-EUR").status_code == 200


@pytest.mark.parametrize(
    "settings",
    [
        {"error_rate": 2},
        {"latency": -1},
        {"fail_next": 1.5},
        {"apply_then_delay_next": -1},
        {"latency": "slow"},
        {"typo": 1},
    ],
)
def test_faults_reject_bad_settings(api, settings):
    response = api.faults(**settings)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "InvalidRequest"


def test_faults_set_at_start_up():
    app = create_app({"FAIL_NEXT": 1, "LATENCY": 0.0, "ERROR_RATE": 0.0})
    client = app.test_client()
    assert client.get("/v1/health").status_code == 503
    assert client.get("/v1/health").status_code == 200


def test_faults_bad_start_up_settings_refuse_to_start():
    with pytest.raises(ValueError, match="error_rate"):
        create_app({"ERROR_RATE": 3})


@pytest.mark.parametrize("header", [None, "Bearer wrong", "secret"])
def test_api_key_required_when_configured(header):
    client = create_app({"API_KEY": "secret"}).test_client()
    headers = {"Authorization": header} if header else {}
    for response in (
        client.get("/v1/health", headers=headers),
        client.get("/_admin/ledger", headers=headers),
    ):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert "secret" not in response.get_data(as_text=True)


def test_api_key_accepted(api_for):
    api = api_for({"API_KEY": "secret"}, {"Authorization": "Bearer secret"})
    assert api.client.get("/v1/health", headers=api.headers).status_code == 200
    assert api.redeem("Valid-1000-EUR", 100).status_code == 201
