"""Voucherify answers for `responses` stubs, from the API reference's examples (trimmed to
what matters). Each function returns a fresh copy to change freely."""

from __future__ import annotations

import copy
import secrets
from typing import Any

BASE_URL = "https://api.voucherify.io"
CODE = "GIFT-CARD-xwc6X7Tk"
REFERENCE = "5f0c8a2e-7d9b-4a43-9a55-3c1a9e4b2d10"
REDEMPTION_ID = "r_0f98d7abb1478c6b64"
ROLLBACK_ID = "rr_0c5eb099214ccea115"

_VOUCHER = {
    "id": "v_hS8JFl8S6lNcd1L69wLIoXgTio7eWEgk", "code": CODE, "campaign": "Gift Cards",
    "campaign_id": "camp_kdxp3vf1clQ9CFs1jpqv3tZe", "type": "GIFT_VOUCHER", "discount": None,
    "gift": {"amount": 55000, "balance": 44700, "effect": "APPLY_TO_ORDER"},
    "loyalty_card": None, "start_date": None, "expiration_date": None,
    "validity_timeframe": None, "validity_day_of_week": None, "active": True, "metadata": {},
    "redemption": {"quantity": None, "redeemed_quantity": 7, "redeemed_amount": 10300,
                   "object": "list"},
    "object": "voucher",
}


def voucher(**changes: Any) -> dict[str, Any]:
    """``GET /v1/vouchers/GIFT-CARD-xwc6X7Tk`` 200, with ``changes`` applied on top."""
    body = copy.deepcopy(_VOUCHER)
    body.update(changes)
    return body


def not_found(resource: str = "voucher") -> dict[str, Any]:
    """The 404 body of an unknown voucher (or order, redemption)."""
    return {"code": 404, "key": "not_found", "message": "Resource not found",
            "details": f"Cannot find {resource} with id v_OBVf",
            "request_id": "v-0bb3403b9a158c87b2", "resource_id": "v_OBVf",
            "resource_type": resource}


def error(key: str, code: int = 400, details: str = CODE) -> dict[str, Any]:
    """An error envelope; like Voucherify's own, its ``details`` name the card code."""
    return {"code": code, "key": key, "message": key.replace("_", " "), "details": details,
            "request_id": "v-0c5d710a63c4110ae9", "resource_id": "rf_0c5d710a87c8a31f86",
            "resource_type": "redemption", "error": {"message": f"{key} for {details}"}}


def redemption(amount: int = 2500, *, rid: str = REDEMPTION_ID, status: str = "SUCCEEDED",
               parent: str | None = None, rollbacks: tuple[str, ...] = (),
               failure_code: str | None = None, voucher_type: str = "GIFT_VOUCHER") -> dict:
    """One redemption object (in a redeem answer, or ``GET /v1/redemptions/{id}``)."""
    body: dict[str, Any] = {
        "id": rid, "object": "redemption", "date": "2024-10-30T07:58:41.861Z",
        "amount": amount, "result": "FAILURE" if status == "FAILED" else "SUCCESS",
        "status": status, "metadata": {"gcc_reference": REFERENCE}, "redemption": parent,
        "order": {"id": "ord_0f98d7abac878c6b5d", "source_id": REFERENCE, "status": "PAID",
                  "amount": amount, "object": "order"},
        "voucher": {"id": "v_a9xQHRQxEauu2yu56VxxXwnEFwnBg05f", "code": CODE,
                    "type": voucher_type,
                    "gift": {"amount": 10000, "balance": 10000 - amount,
                             "effect": "APPLY_TO_ORDER"}, "object": "voucher"},
        "related_redemptions": {"rollbacks": [{"id": r, "date": "2024-10-30T08:00:00.000Z"}
                                              for r in rollbacks], "redemptions": []},
    }
    if failure_code:
        body["failure_code"] = failure_code
        body["failure_message"] = f"failed for {CODE}"
    return body


def redeemed(amount: int = 2500, **changes: Any) -> dict[str, Any]:
    """``POST /v1/redemptions`` 200 for one gift card (the connector's fixture, with the
    reference as the order's source id)."""
    return {
        "redemptions": [redemption(amount, **changes)],
        "order": order({REDEMPTION_ID: {"related_object_type": "voucher"}}, amount),
        "inapplicable_redeemables": [], "skipped_redeemables": [],
    }


def inapplicable(key: str, code: int = 400) -> dict[str, Any]:
    """``POST /v1/redemptions`` 200 with the card among the inapplicable redeemables."""
    return {
        "redemptions": [], "skipped_redeemables": [],
        "inapplicable_redeemables": [{
            "status": "INAPPLICABLE", "id": CODE, "object": "voucher",
            "result": {"error": {"code": code, "key": key, "message": key.replace("_", " "),
                                 "details": CODE}}}],
    }


def order(entries: dict[str, dict], amount: int = 2500) -> dict[str, Any]:
    """``GET /v1/orders/{source_id}`` 200 with ``entries`` as its redemptions map."""
    redemptions = {
        rid: {"date": "2024-10-30T07:58:41.861Z",
              "related_object_id": "v_a9xQHRQxEauu2yu56VxxXwnEFwnBg05f",
              "related_object_parent_id": "camp_SUN7MHJvbVwjpKXU52QyRk9K", **entry}
        for rid, entry in entries.items()
    }
    return {"id": "ord_0f98d7abac878c6b5d", "source_id": REFERENCE, "status": "PAID",
            "amount": amount, "object": "order", "redemptions": redemptions}


def rolled_back(amount: int = 2500, *, rid: str = REDEMPTION_ID, result: str = "SUCCESS",
                rollback_id: str = ROLLBACK_ID) -> dict[str, Any]:
    """``POST /v1/redemptions/{id}/rollback`` 200 (the reference's "Gift Card" example)."""
    body = {
        "id": rollback_id, "object": "redemption_rollback", "date": "2023-01-27T15:22:37.573Z",
        "amount": -amount, "redemption": rid, "result": result,
        "order": {"status": "CANCELED", "redemptions": {rid: {"rollback_id": rollback_id}}},
        "voucher": {"code": CODE, "gift": {"amount": 10000, "balance": 10000}},
        "gift": {"amount": -amount},
    }
    if result == "FAILURE":
        body["failure_code"] = "invalid_redemption"
        body["failure_message"] = f"could not roll back for {CODE}"
    return body


def rate_limited() -> dict[str, Any]:
    return {"code": 429, "message": "Too many requests hit the API too quickly."}


def random_code(prefix: str = "VF") -> str:
    """A long random code, so that a log check can find it anywhere."""
    return f"{prefix}-{secrets.token_urlsafe(12)}"
