"""The transport: no URL in any log line or exception (the code is in the balance path),
Retry-After and X-Rate-Limit-Retry read as Voucherify sends them, every hook call within
the provider timeout."""

from __future__ import annotations

import json
import logging
import socket
from email.utils import formatdate

import pytest
import requests
import responses
import voucherify_fixtures as fx
from giftcard_connect import GiftCard, Money, ProviderContext, ProviderUnavailable
from giftcard_connect_voucherify import plugin
from giftcard_connect_voucherify.client import VoucherifyApi
from giftcard_connect_voucherify.settings import read_settings
from giftcard_connect_voucherify.transport import (
    BACKOFF,
    Call,
    Transport,
    VoucherPathFilter,
    retry_delay,
    segment,
)


def logged(caplog) -> str:
    formatter = logging.Formatter()
    return "\n".join(
        record.getMessage() + (formatter.formatException(record.exc_info) if record.exc_info
                               else "")
        for record in caplog.records
    )


def test_the_balance_path_never_reaches_a_log_line(live_context, voucherify, caplog):
    caplog.set_level(logging.DEBUG)
    code = fx.random_code("VF-LOGGED")
    voucherify.state.issue(1234, code=code)
    balance = plugin.giftcard_balance(card=GiftCard(code), context=live_context)
    assert balance.amount.cent_amount == 1234
    text = logged(caplog)
    assert code not in text
    assert '"GET /v1/vouchers/**** HTTP/1.1" 200' in text  # urllib3's line, masked


def test_a_connection_error_names_neither_url_nor_code(caplog):
    caplog.set_level(logging.DEBUG)
    code = fx.random_code("VF-UNREACHABLE")
    with requests.Session() as session:
        port = _closed_port()
        context = ProviderContext(config={"APP_ID": "a", "APP_TOKEN": "b", "CURRENCIES": "EUR",
                                          "BASE_URL": f"http://127.0.0.1:{port}"},
                                  http=session, timeout=(0.5, 0.5), currency="EUR")
        with pytest.raises(ProviderUnavailable) as caught:
            plugin.giftcard_balance(card=GiftCard(code), context=context)
    failure = caught.value
    assert code not in str(failure) and "/v1/" not in str(failure)
    assert failure.__cause__ is None and (failure.__context__ is None
                                          or failure.__suppress_context__)
    assert code not in logged(caplog)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "message, args, expected",
    [
        ('%s://%s:%s "%s %s %s" %s %s', ("https", "api.voucherify.io", 443, "GET",
                                          "/v1/vouchers/SECRET-1", "HTTP/1.1", 200, 10),
         'https://api.voucherify.io:443 "GET /v1/vouchers/**** HTTP/1.1" 200 10'),
        ("Incremented Retry for (url='%s'): %r", ("/v1/vouchers/SECRET-1/transactions", None),
         "Incremented Retry for (url='/v1/vouchers/****/transactions'): None"),
        ('"GET %s"', ("/v1/vouchers?limit=1",), '"GET /v1/vouchers?limit=1"'),
    ],
)
def test_voucher_path_filter_masks_the_code(message, args, expected):
    record = logging.LogRecord("urllib3.connectionpool", logging.DEBUG, __file__, 1, message,
                               args, None)
    assert VoucherPathFilter().filter(record) is True
    assert record.getMessage() == expected


def test_the_filter_sits_on_urllib3s_loggers_once(context):
    plugin.giftcard_provider_info(config=context.config)
    for _ in range(3):
        plugin._api(context)
    filters = logging.getLogger("urllib3.connectionpool").filters
    assert sum(isinstance(f, VoucherPathFilter) for f in filters) == 1


@pytest.mark.parametrize("value, expected", [("A/B", "A%2FB"), ("a b?c#d%", "a%20b%3Fc%23d%25"),
                                             ("r_0f98", "r_0f98")])
def test_segment_keeps_a_value_in_one_path_segment(value, expected):
    assert segment(value) == expected


def response(status: int, headers: dict[str, str]) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer.headers.update(headers)
    return answer


@pytest.mark.parametrize(
    "status, headers, expected",
    [
        (503, {}, BACKOFF),
        (429, {}, None),
        (429, {"Retry-After": "2"}, 2.0),
        (429, {"Retry-After": "3"}, None),
        (503, {"Retry-After": "0"}, 0.0),
        (429, {"X-Rate-Limit-Retry": "1001"}, 1.0),
        (429, {"X-Rate-Limit-Retry": "1100"}, None),
        (429, {"Retry-After": formatdate(1001.5, usegmt=True)}, 1.0),
        (503, {"Retry-After": "next week"}, BACKOFF),
        (429, {"X-Rate-Limit-Retry": "900"}, 0.0),
    ],
)
def test_retry_delay(status, headers, expected):
    assert retry_delay(response(status, headers), now=lambda: 1000.0) == expected


class Clock:
    """A clock that the stubs move on."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def transport(http, clock, timeout=(1.0, 4.0), sleep=None) -> Transport:
    settings = read_settings({"APP_ID": "a", "APP_TOKEN": "b", "CURRENCIES": "EUR"})
    return Transport(settings, http=http, timeout=timeout, clock=clock,
                     sleep=sleep or (lambda seconds: setattr(clock, "now", clock.now + seconds)))


@responses.activate
def test_each_request_gets_what_is_left_of_the_provider_timeout(http):
    clock = Clock()

    def slow(request):
        clock.now += 3.0
        return 200, {}, "{}"

    responses.add_callback("GET", f"{fx.BASE_URL}/v1/a", callback=slow)
    responses.get(f"{fx.BASE_URL}/v1/b", json={})
    calls = transport(http, clock)
    calls.send(Call("a", "GET", True), "/v1/a")
    calls.send(Call("b", "GET", True), "/v1/b")
    assert [call.request.req_kwargs["timeout"] for call in responses.calls] == [
        (1.0, 4.0), (1.0, 2.0)]


@responses.activate
def test_no_request_starts_without_time_for_it(http):
    clock = Clock()
    calls = transport(http, clock)
    clock.now += 4.2  # 0.8 s left of 5
    with pytest.raises(ProviderUnavailable) as caught:
        calls.send(Call("redeem", "POST", False), "/v1/redemptions", body={})
    assert "no time left for redeem" in caught.value.message
    assert len(responses.calls) == 0


@responses.activate
def test_a_retry_that_would_outlast_the_timeout_is_not_waited_for(http):
    clock, waits = Clock(), []
    responses.get(f"{fx.BASE_URL}/v1/a", status=429, headers={"Retry-After": "2"})
    calls = transport(http, clock, timeout=(0.5, 2.0), sleep=waits.append)
    with pytest.raises(ProviderUnavailable):
        calls.send(Call("a", "GET", True), "/v1/a")
    assert waits == [] and len(responses.calls) == 1


@responses.activate
def test_a_redeem_whose_lookup_used_the_time_is_not_sent(http):
    clock = Clock()

    def slow_lookup(request):
        clock.now += 4.5
        return 404, {}, json.dumps(fx.not_found("order"))

    responses.add_callback("GET", f"{fx.BASE_URL}/v1/orders/{fx.REFERENCE}", callback=slow_lookup)
    api = VoucherifyApi(read_settings({"APP_ID": "a", "APP_TOKEN": "b", "CURRENCIES": "EUR"}),
                        http=http, timeout=(1.0, 4.0), clock=clock)
    with pytest.raises(ProviderUnavailable):
        api.redeem(GiftCard(fx.CODE), Money(100, "EUR"), fx.REFERENCE)
    assert [call.request.method for call in responses.calls] == ["GET"]
