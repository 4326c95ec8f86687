"""The transport over real loopback sockets: the failures the scripted pools stand in for.

A tiny scripted HTTP server (the standard library's, one behaviour per request:
``scripted_server`` in tests/conftest.py) shows that a real read timeout, a dropped
connection (fresh or kept) and a refused port reach the retry loop as the urllib3
exceptions the other tests raise, that nothing is sent again behind the loop's back, that
connections are kept alive, and that a proxy named in the environment is used (or
bypassed through NO_PROXY).
"""

from __future__ import annotations

import pytest
from giftcard_connect.commercetools import CommercetoolsError
from giftcard_connect.commercetools.transport import Transport
from giftcard_connect.connections import commercetools_pools


def transport(environ=None, *, read_timeout=5.0, retries=2):
    return Transport(
        http=commercetools_pools(environ or {}),
        timeout=(2.0, read_timeout),
        retries=retries,
        backoff_factor=0.0,
        sleep=lambda delay: None,
    )


def test_a_real_read_timeout_is_retried_then_reported_without_status(scripted_server):
    scripted_server.behaviours = ["hang", "hang", "hang"]

    with pytest.raises(CommercetoolsError) as caught:
        transport(read_timeout=0.2).send(
            "GET", f"{scripted_server.url}/demo/payments/p-1", retry=True
        )

    assert caught.value.status_code is None
    assert "ReadTimeoutError after 3 attempts" in caught.value.message
    assert len(scripted_server.seen) == 3


def test_a_dropped_connection_is_replayed_and_the_answer_marked_replayed(scripted_server):
    scripted_server.behaviours = ["drop", "answer"]

    response = transport().send("GET", f"{scripted_server.url}/demo/payments/p-1", retry=True)

    assert (response.status_code, response.json(), response.replayed) == (200, {"ok": True}, True)
    assert len(scripted_server.seen) == 2


def test_a_dropped_connection_on_a_call_that_must_not_replay_is_reported(scripted_server):
    scripted_server.behaviours = ["drop", "answer"]

    with pytest.raises(CommercetoolsError) as caught:
        transport().send("GET", f"{scripted_server.url}/demo/payments", retry=False)

    assert caught.value.status_code is None and "ProtocolError" in caught.value.message
    assert len(scripted_server.seen) == 1


@pytest.mark.parametrize("retry", [False, True])
def test_an_update_lost_on_a_kept_connection_is_never_sent_again_unseen(scripted_server, retry):
    """The server reads the second update on the kept connection, then closes it without
    answering: it may have applied it. The transport must not send it again unseen, as
    some HTTP clients do on a reused connection; a resend is the retry loop's own, and
    the answer says so (``replayed``, which the payment updates rely on)."""
    scripted_server.behaviours = ["answer", "drop", "answer"]
    sender = transport()
    url = f"{scripted_server.url}/demo/payments/p-1"
    sender.send("POST", url, retry=retry, json_body={"version": 1})
    first, second = b'{"version": 1}', b'{"version": 2}'

    if retry:
        response = sender.send("POST", url, retry=retry, json_body={"version": 2})
        assert (response.status_code, response.replayed) == (200, True)
        assert scripted_server.bodies == [first, second, second]
        assert scripted_server.connections == 2
    else:
        with pytest.raises(CommercetoolsError) as caught:
            sender.send("POST", url, retry=retry, json_body={"version": 2})
        assert caught.value.status_code is None and "ProtocolError" in caught.value.message
        assert scripted_server.bodies == [first, second]


def test_a_refused_connection_is_retried_then_reported(scripted_server):
    url = scripted_server.url
    scripted_server.shutdown()
    scripted_server.server_close()  # nothing listens on the port any more

    with pytest.raises(CommercetoolsError) as caught:
        transport(retries=1).send("GET", f"{url}/demo/carts/c-1", retry=True)

    assert caught.value.status_code is None
    assert "NewConnectionError after 2 attempts" in caught.value.message


def test_calls_share_one_kept_alive_connection(scripted_server):
    sender = transport()
    url = f"{scripted_server.url}/demo/carts/c-1"
    for _ in range(3):
        assert sender.send("GET", url, retry=True).status_code == 200

    assert (len(scripted_server.seen), scripted_server.connections) == (3, 1)


def test_a_proxy_from_the_environment_is_used_with_its_credentials(scripted_server):
    port = scripted_server.server_address[1]
    sender = transport({"HTTP_PROXY": f"http://proxy-user:pw@127.0.0.1:{port}"})

    response = sender.send("GET", "http://api.example.test/demo/carts/c-1", retry=False)

    assert response.status_code == 200
    [(request_line, headers)] = scripted_server.seen
    assert request_line == "GET http://api.example.test/demo/carts/c-1 HTTP/1.1"
    assert headers["proxy-authorization"].startswith("Basic ")


def test_no_proxy_sends_directly(scripted_server):
    unreachable_proxy = "http://127.0.0.1:9"  # the discard port: nothing answers there
    sender = transport({"HTTP_PROXY": unreachable_proxy, "NO_PROXY": "localhost,127.0.0.1"})

    response = sender.send("GET", f"{scripted_server.url}/demo/carts/c-1", retry=False)

    assert response.status_code == 200
    assert scripted_server.seen[0][0] == "GET /demo/carts/c-1 HTTP/1.1"
