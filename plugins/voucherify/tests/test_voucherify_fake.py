"""The fake's own rules, so that what the plugin is tested against holds still: balances,
orders by source id, the refusal shapes, stacked redemptions, rollbacks and faults."""

from __future__ import annotations

import pytest
from giftcard_connect_voucherify.fake import APP_ID, APP_TOKEN, Behaviour, VoucherifyFake
from giftcard_connect_voucherify.fake import create_app as create_fake_app

HEADERS = {"X-App-Id": APP_ID, "X-App-Token": APP_TOKEN}


class Api:
    """The fake through Flask's test client."""

    def __init__(self, behaviour: Behaviour | None = None):
        self.state = VoucherifyFake(behaviour)
        self.client = create_fake_app(self.state).test_client()

    def get(self, path: str, headers=HEADERS):
        return self.client.get(path, headers=headers)

    def post(self, path: str, body: dict | None = None):
        return self.client.post(path, json=body if body is not None else {}, headers=HEADERS)

    def redeem(self, code: str, credits: int, reference: str = "ref-1", amount=...):
        order = {"source_id": reference, "amount": credits if amount is ... else amount}
        if amount is None:
            del order["amount"]
        return self.post("/v1/redemptions", {
            "redeemables": [{"object": "voucher", "id": code, "gift": {"credits": credits}}],
            "order": order, "metadata": {"gcc_reference": reference}})


@pytest.fixture
def api() -> Api:
    return Api()


def test_credentials_are_required(api):
    answer = api.get("/v1/vouchers", headers={"X-App-Id": APP_ID, "X-App-Token": "wrong"})
    assert answer.status_code == 401 and answer.get_json()["key"] == "unauthorized"


def test_a_voucher_is_found_by_its_code_whatever_its_characters(api):
    api.state.issue(1234, code="A/B c?")
    body = api.get("/v1/vouchers/A%2FB%20c%3F").get_json()
    assert (body["code"], body["gift"]["balance"], body["type"]) == ("A/B c?", 1234, "GIFT_VOUCHER")
    missing = api.get("/v1/vouchers/nope")
    assert missing.status_code == 404 and missing.get_json()["key"] == "not_found"


def test_a_redemption_debits_and_is_listed_on_its_order(api):
    api.state.issue(5000, code="CARD-1")
    answer = api.redeem("CARD-1", 1200).get_json()
    (redemption,) = answer["redemptions"]
    assert (redemption["result"], redemption["status"], redemption["amount"]) == (
        "SUCCESS", "SUCCEEDED", 1200)
    assert api.state.balance_of("CARD-1") == 3800
    order = api.get("/v1/orders/ref-1").get_json()
    assert order["source_id"] == "ref-1" and list(order["redemptions"]) == [redemption["id"]]
    assert order["redemptions"][redemption["id"]]["related_object_type"] == "voucher"
    assert api.get(f"/v1/orders/{order['id']}").get_json()["source_id"] == "ref-1"
    assert api.get("/v1/orders/other").status_code == 404


@pytest.mark.parametrize(
    "fields, credits, key",
    [
        ({"expired": True}, 100, "voucher_expired"),
        ({"active": False}, 100, "voucher_disabled"),
        ({"not_yet_active": True}, 100, "voucher_not_active"),
        ({"quantity": 0}, 100, "quantity_exceeded"),
        ({}, 6000, "gift_amount_exceeded"),
        ({}, 0, "invalid_amount"),
    ],
)
@pytest.mark.parametrize("shape", ["error", "result", "inapplicable"])
def test_a_refusal_comes_in_the_behaviours_shape(fields, credits, key, shape):
    api = Api(Behaviour(failure_shape=shape))
    api.state.issue(5000, code="CARD-1", **fields)
    answer = api.redeem("CARD-1", credits)
    body = answer.get_json()
    if shape == "error":
        assert answer.status_code == 400 and body["key"] == key and body["details"] == "CARD-1"
    elif shape == "result":
        (failed,) = body["redemptions"]
        assert (failed["result"], failed["status"], failed["failure_code"]) == (
            "FAILURE", "FAILED", key)
    else:
        (item,) = body["inapplicable_redeemables"]
        assert item["result"]["error"]["key"] == key and body["redemptions"] == []
    assert api.state.balance_of("CARD-1") == 5000


def test_a_gift_card_needs_the_order_amount(api):
    api.state.issue(5000, code="CARD-1")
    assert api.redeem("CARD-1", 100, amount=None).get_json()["key"] == "missing_amount"


def test_failed_redemptions_are_listed_only_when_the_behaviour_says_so():
    for listed in (False, True):
        api = Api(Behaviour(failure_shape="result", failed_in_order=listed))
        api.state.issue(0, code="EMPTY")
        api.redeem("EMPTY", 100)
        order = api.get("/v1/orders/ref-1").get_json()
        assert bool(order["redemptions"]) is listed


def test_a_stacked_redemption_has_a_parent_on_the_order():
    api = Api(Behaviour(stacked=True))
    api.state.issue(5000, code="CARD-1")
    answer = api.redeem("CARD-1", 1000).get_json()
    child, parent = answer["redemptions"][0], answer["parent_redemption"]
    assert child["redemption"] == parent["id"]
    entry = api.get("/v1/orders/ref-1").get_json()["redemptions"][parent["id"]]
    assert entry["related_object_type"] == "redemption" and entry["stacked"] == [child["id"]]
    refused = api.post(f"/v1/redemptions/{child['id']}/rollback")
    assert refused.get_json()["key"] == "invalid_redemption_parent"
    assert api.post(f"/v1/redemptions/{parent['id']}/rollback").get_json()["key"] == (
        "invalid_redemption")
    rolled = api.post(f"/v1/redemptions/{parent['id']}/rollbacks").get_json()
    assert [r["redemption"] for r in rolled["rollbacks"]] == [child["id"]]
    assert rolled["parent_rollback"]["redemption"] == parent["id"]
    assert api.state.balance_of("CARD-1") == 5000


def test_a_rollback_gives_back_once(api):
    api.state.issue(5000, code="CARD-1")
    rid = api.redeem("CARD-1", 1000).get_json()["redemptions"][0]["id"]
    rollback = api.post(f"/v1/redemptions/{rid}/rollback", {"metadata": {"gcc_reference": "r"}})
    body = rollback.get_json()
    assert (body["amount"], body["result"], body["redemption"]) == (-1000, "SUCCESS", rid)
    again = api.post(f"/v1/redemptions/{rid}/rollback")
    assert again.status_code == 400 and again.get_json()["key"] == "already_rolled_back"
    assert api.state.balance_of("CARD-1") == 5000
    redemption = api.get(f"/v1/redemptions/{rid}").get_json()
    assert redemption["status"] == "ROLLED_BACK"
    assert redemption["related_redemptions"]["rollbacks"][0]["id"] == body["id"]
    assert api.get(f"/v1/redemptions/{body['id']}").get_json()["metadata"] == {
        "gcc_reference": "r"}
    order = api.get("/v1/orders/ref-1").get_json()
    assert order["redemptions"][rid]["rollback_id"] == body["id"]
    assert order["status"] == "CANCELED"


def test_a_voucher_of_another_type_is_redeemed_without_a_balance(api):
    api.state.issue(5000, code="PROMO", type="DISCOUNT_VOUCHER")
    body = api.redeem("PROMO", 1000).get_json()
    assert body["redemptions"][0]["voucher"]["type"] == "DISCOUNT_VOUCHER"
    assert api.get("/v1/vouchers/PROMO").get_json()["gift"] is None


def test_faults_answer_before_or_after_the_work(api):
    api.state.issue(5000, code="CARD-1")
    api.state.fail("redeem", 502, after=True)
    api.state.fail("redeem", 429, {"code": 429}, headers={"Retry-After": "7"})
    lost = api.redeem("CARD-1", 1000, reference="ref-a")
    assert lost.status_code == 502 and api.state.balance_of("CARD-1") == 4000
    limited = api.redeem("CARD-1", 1000, reference="ref-b")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    assert api.state.balance_of("CARD-1") == 4000
    assert api.redeem("CARD-1", 1000, reference="ref-c").status_code == 200
    assert api.state.calls["redeem"] == 3
    with pytest.raises(ValueError):
        api.state.fail("nowhere", 500)


def test_health_lists_at_most_the_limit(api):
    for cents in (1, 2, 3):
        api.state.issue(cents)
    body = api.get("/v1/vouchers?limit=1").get_json()
    assert len(body["vouchers"]) == 1 and body["total"] == 3
