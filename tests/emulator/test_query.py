"""The `where` predicate parser on its own, and payment queries that use it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from giftcard_connect.emulator.predicates import PredicateError, parse

from .helpers import money, payment_draft

DOC = {
    "id": "p1",
    "key": "order-7",
    "version": 3,
    "createdAt": "2026-03-01T10:00:00.000Z",
    "paid": False,
    "amountPlanned": {"centAmount": 1500, "currencyCode": "EUR"},
    "paymentMethodInfo": {"paymentInterface": "mock", "method": "giftcard"},
    "transactions": [
        {"type": "Charge", "state": "Success"},
        {"type": "Refund", "state": "Pending"},
    ],
    "tags": ["a", "b"],
    "empty": [],
    "nothing": None,
}


@pytest.mark.parametrize("text,expected", [
    ('key = "order-7"', True),
    ('key = "order-8"', False),
    ('key != "order-8"', True),
    ('key <> "order-7"', False),
    ("version = 3", True),
    ("version > 2 and version <= 3", True),
    ("version >= 4", False),
    ("amountPlanned(centAmount < 1500)", False),
    ("amountPlanned(centAmount < 1500.5)", True),
    ("paid = false", True),
    ("paid = true", False),
    ('createdAt < "2026-03-02T00:00:00.000Z"', True),
    ('createdAt > "2026-03-02T00:00:00.000Z"', False),
    ('key in ("x", "order-7")', True),
    ('key not in ("x", "order-7")', False),
    ("key is defined", True),
    ("nothing is defined", False),
    ("missing is not defined", True),
    ("empty is empty", True),
    ("tags is not empty", True),
    ('tags = "b"', True),
    ('paymentMethodInfo(paymentInterface = "mock")', True),
    ('paymentMethodInfo(paymentInterface = "other")', False),
    ('paymentMethodInfo(paymentInterface = "mock" and method = "giftcard")', True),
    ('transactions(state = "Pending")', True),
    ('transactions(state = "Failure")', False),
    ('transactions(state = "Pending" and type = "Refund")', True),
    ('transactions(state = "Pending" and type = "Charge")', False),
    ('transactions(state = "Pending") and transactions(type = "Charge")', True),
    ('key = "x" or version = 3', True),
    ('key = "x" or version = 4', False),
    ('not(key = "x")', True),
    ('NOT (key = "order-7")', False),
    ('(key = "x" or key = "order-7") and version = 3', True),
    ('key = "x" or key = "order-7" and version = 4', False),  # and binds tighter
    ('key = "order-7" or key = "x" and version = 4', True),
    ('key = 7', False),
    ('version = "3"', False),
    ('missing = "x"', False),
    ('missing != "x"', False),
    ('key = "with \\"quote\\""', False),
])
def test_predicates(text, expected):
    assert parse(text)(DOC) is expected


@pytest.mark.parametrize("text", [
    "", "   ", 'key = ', 'key "x"', 'key == "x"', 'transactions(state = "Pending"',
    'key = "x")', 'key = "x" and', 'key in ()', 'key in ("x",)', 'key is nothing',
    "paid < true", 'key = "unterminated', 'key = x', "= 1", 'key = "a" & version = 1',
    "not key = 1",
])
def test_malformed_predicates(text):
    with pytest.raises(PredicateError):
        parse(text)


def _seed(api, store):
    """Three payments created a month apart: pa (Pending charge), pb (interface x), pc."""
    drafts = [
        payment_draft(100, key="pa", transactions=[
            {"type": "Charge", "amount": money(100), "state": "Pending"}]),
        payment_draft(200, key="pb", paymentMethodInfo={
            "paymentInterface": "x", "method": "giftcard"}, transactions=[
            {"type": "Charge", "amount": money(200), "state": "Success"}]),
        payment_draft(300, key="pc"),
    ]
    for month, draft in enumerate(drafts, start=1):
        moment = datetime(2026, month, 1, tzinfo=UTC).timestamp()
        store.clock = lambda moment=moment: moment
        assert api.post("/demo/payments", draft).status_code == 201


def _keys(response):
    return [p["key"] for p in response.json["results"]]


def test_query_with_where(api, store):
    _seed(api, store)
    pending = api.get("/demo/payments", query_string={"where": 'transactions(state="Pending")'})
    assert pending.status_code == 200
    assert _keys(pending) == ["pa"]
    interface = api.get("/demo/payments",
                        query_string={"where": 'paymentMethodInfo(paymentInterface="x")'})
    assert _keys(interface) == ["pb"]
    older = api.get("/demo/payments",
                    query_string={"where": 'createdAt < "2026-02-15T00:00:00.000Z"'})
    assert _keys(older) == ["pa", "pb"]


def test_multiple_where_params_are_anded(api, store):
    _seed(api, store)
    response = api.get("/demo/payments", query_string=[
        ("where", 'createdAt < "2026-02-15T00:00:00.000Z"'),
        ("where", 'amountPlanned(centAmount > 150)')])
    assert _keys(response) == ["pb"]


def test_paging_total_and_sort(api, store):
    _seed(api, store)
    page = api.get("/demo/payments", query_string={"limit": 2, "offset": 1,
                                                   "sort": "createdAt desc"}).json
    assert page["limit"] == 2 and page["offset"] == 1
    assert page["count"] == 2 and page["total"] == 3
    assert [p["key"] for p in page["results"]] == ["pb", "pa"]
    default = api.get("/demo/payments").json
    assert default["limit"] == 20 and default["offset"] == 0
    assert [p["key"] for p in default["results"]] == ["pa", "pb", "pc"]
    no_total = api.get("/demo/payments", query_string={"withTotal": "false"}).json
    assert "total" not in no_total
    by_amount = api.get("/demo/payments", query_string={"sort": "amountPlanned.centAmount desc"})
    assert _keys(by_amount) == ["pc", "pb", "pa"]


@pytest.mark.parametrize("params", [
    {"where": 'transactions(state = "Pending"'},
    {"where": "key ="},
    {"limit": "501"},
    {"limit": "-1"},
    {"offset": "abc"},
    {"sort": "createdAt sideways"},
])
def test_malformed_query_parameters(api, params):
    response = api.get("/demo/payments", query_string=params)
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "InvalidInput"
    assert "Malformed parameter" in response.json["message"]
