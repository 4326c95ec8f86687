"""giftcard_health: one cheap authenticated call, cached so that status checks do not spend
the plan's requests; DOWN with a reason, never a secret."""

from __future__ import annotations

import pytest
import responses
import voucherify_fixtures as fx
from giftcard_connect import HealthCheck, ProviderContext
from giftcard_connect_voucherify import plugin
from giftcard_connect_voucherify.fake import APP_TOKEN
from giftcard_connect_voucherify.plugin import HealthCache

LIST_URL = f"{fx.BASE_URL}/v1/vouchers"


def health(context):
    return plugin.giftcard_health(context=context)


@responses.activate
def test_health_is_up_after_one_small_list_call(context):
    responses.get(LIST_URL, json={"object": "list", "vouchers": [fx.voucher()], "total": 1})
    assert health(context) == HealthCheck("Voucherify API", "UP")
    (call,) = responses.calls
    assert call.request.path_url == "/v1/vouchers?limit=1"
    assert call.request.headers["X-App-Token"] == APP_TOKEN


@responses.activate
def test_health_is_cached(context):
    responses.get(LIST_URL, json={"object": "list", "vouchers": []})
    assert [health(context).status for _ in range(5)] == ["UP"] * 5
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    "stub, reason",
    [
        ({"status": 401, "json": {"code": 401, "key": "unauthorized"}}, "APP_TOKEN"),
        ({"status": 402, "json": {"code": 402, "key": "plan_limit"}}, "plan"),
        ({"status": 429, "json": fx.rate_limited()}, "429"),
        ({"status": 500, "body": "<html>down</html>"}, "500"),
        ({"status": 404, "json": fx.not_found()}, "404"),
    ],
)
@responses.activate
def test_health_is_down_with_a_reason(context, waits, stub, reason):
    responses.get(LIST_URL, **stub)
    check = health(context)
    assert check.status == "DOWN" and reason in check.details["reason"]
    assert APP_TOKEN not in repr(check) and fx.CODE not in repr(check)


def test_health_without_settings_is_down_naming_them(http):
    context = ProviderContext(config={}, http=http, timeout=(1, 1), currency="EUR")
    check = health(context)
    assert check.status == "DOWN" and "GIFTCARD_VOUCHERIFY_APP_ID" in check.details["reason"]


@responses.activate
def test_health_cache_ttl_is_the_setting(context):
    responses.get(LIST_URL, status=500, body="down")
    responses.get(LIST_URL, json={"object": "list", "vouchers": []})
    short = ProviderContext(**{**context.__dict__,
                               "config": {**context.config, "HEALTH_TTL": "0.000001"}})
    statuses = [health(short).status for _ in range(3)]
    assert statuses[0] == "DOWN" and statuses[-1] == "UP"


def test_health_cache_keeps_answers_per_project_for_their_ttl():
    now = [100.0]
    cache = HealthCache(clock=lambda: now[0])
    answers = iter([HealthCheck("a", "UP"), HealthCheck("a", "DOWN"), HealthCheck("b", "UP")])
    assert cache.get(("eu",), 60, lambda: next(answers)).status == "UP"
    now[0] = 159.0
    assert cache.get(("eu",), 60, lambda: next(answers)).status == "UP"
    now[0] = 160.0
    assert cache.get(("eu",), 60, lambda: next(answers)).status == "DOWN"
    assert cache.get(("us",), 60, lambda: next(answers)).name == "b"
