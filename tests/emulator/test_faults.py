"""Request counting and latency/fault injection."""

from __future__ import annotations

import time

import pytest
from giftcard_connect.emulator import create_app

from .helpers import payment_draft

CREATE = "POST /<projectKey>/payments"
UPDATE = "POST /<projectKey>/payments/<id>"


def _fault(client, **fault):
    response = client.post("/_emulator/faults", json=fault)
    assert response.status_code == 201, response.json
    return response.json


def test_stats_count_per_route_and_reset(api, client):
    client.post("/_emulator/stats/reset")
    payment = api.post("/demo/payments", payment_draft()).json
    api.get(f"/demo/payments/{payment['id']}")
    api.get(f"/demo/payments/{payment['id']}")
    api.post(f"/demo/payments/{payment['id']}", {"version": 1, "actions": []})
    api.get("/demo/payments/key=none")
    stats = client.get("/_emulator/stats").json
    assert stats == {"requests": {
        CREATE: 1, "GET /<projectKey>/payments/<id>": 2, UPDATE: 1,
        "GET /<projectKey>/payments/key=<paymentKey>": 1}}
    assert client.post("/_emulator/stats/reset").status_code == 204
    assert client.get("/_emulator/stats").json == {"requests": {}}


def test_oauth_requests_are_counted(client, token):
    token("admin")
    token("viewer")
    assert client.get("/_emulator/stats").json["requests"]["POST /oauth/token"] == 2


def test_status_fault_fails_before_the_work(api, client, store):
    stored = _fault(client, route=CREATE, status=503)
    assert stored == {"route": CREATE, "status": 503, "delay": 0.0, "probability": 1.0,
                      "times": None, "after": False}
    response = api.post("/demo/payments", payment_draft())
    assert response.status_code == 503
    assert response.json == {"statusCode": 503, "message": "Service unavailable (injected)",
                             "errors": [{"code": "ServiceUnavailable",
                                         "message": "Service unavailable (injected)"}]}
    assert store.payments == {}
    assert api.get("/demo/payments").status_code == 200  # other routes unaffected
    assert client.get("/_emulator/stats").json["requests"][CREATE] == 1


@pytest.mark.parametrize("status,code", [(500, "General"), (502, "BadGateway"),
                                         (504, "GatewayTimeout")])
def test_status_codes_map_to_error_codes(api, client, status, code):
    _fault(client, route="*", status=status)
    response = api.get("/demo/payments")
    assert response.status_code == status
    assert response.json["errors"][0]["code"] == code


def test_times_limits_a_fault_then_removes_it(api, client):
    _fault(client, route=CREATE, status=502, times=2)
    codes = [api.post("/demo/payments", payment_draft()).status_code for _ in range(3)]
    assert codes == [502, 502, 201]
    assert client.get("/_emulator/faults").json == []


def test_probability_zero_never_and_one_always(api, client):
    client.put("/_emulator/faults", json=[{"route": CREATE, "status": 500, "probability": 0}])
    assert {api.post("/demo/payments", payment_draft()).status_code for _ in range(20)} == {201}
    client.put("/_emulator/faults", json=[{"route": CREATE, "status": 500, "probability": 1}])
    assert {api.post("/demo/payments", payment_draft()).status_code for _ in range(20)} == {500}


def test_probability_is_reproducible_with_a_seed():
    def outcomes():
        app = create_app({"CLIENTS": {"c": {"secret": "s", "scope": "manage_project:demo"}},
                          "FAULT_SEED": 42,
                          "FAULTS": [{"route": "*", "status": 503, "probability": 0.5}]})
        client = app.test_client()
        value = app.extensions["emulator"].issue_token("c", "manage_project:demo")
        return [client.get("/demo/payments", headers={"Authorization": f"Bearer {value}"}
                           ).status_code for _ in range(40)]

    first = outcomes()
    assert first == outcomes()
    assert set(first) == {200, 503}


def test_delay_without_status_only_slows_down(api, client):
    _fault(client, route="GET /<projectKey>/payments", delay=0.05)
    started = time.perf_counter()
    response = api.get("/demo/payments")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed >= 0.045


def test_after_fault_applies_the_change_but_loses_the_answer(api, client, store):
    payment = api.post("/demo/payments", payment_draft()).json
    _fault(client, route=UPDATE, status=504, after=True, times=1)
    response = api.post(f"/demo/payments/{payment['id']}", {"version": 1, "actions": [
        {"action": "setInterfaceId", "interfaceId": "applied"}]})
    assert response.status_code == 504
    assert response.json["errors"][0]["code"] == "GatewayTimeout"
    current = api.get(f"/demo/payments/{payment['id']}").json
    assert current["interfaceId"] == "applied"
    assert current["version"] == 2


def test_after_fault_on_create_keeps_the_payment(api, client, store):
    _fault(client, route=CREATE, status=503, after=True, times=1)
    assert api.post("/demo/payments", payment_draft(key="lost")).status_code == 503
    assert api.get("/demo/payments/key=lost").status_code == 200
    retry = api.post("/demo/payments", payment_draft(key="lost"))
    assert retry.json["errors"][0]["code"] == "DuplicateField"


def test_injected_conflict_reports_current_version(api, client):
    payment = api.post("/demo/payments", payment_draft()).json
    _fault(client, route=UPDATE, status=409, times=1)
    response = api.post(f"/demo/payments/{payment['id']}", {"version": 1, "actions": []})
    assert response.status_code == 409
    assert response.json["errors"][0] == {"code": "ConcurrentModification",
                                          "message": "Conflict (injected)",
                                          "currentVersion": 1}
    _fault(client, route=CREATE, status=409, times=1)
    assert "currentVersion" not in api.post("/demo/payments", payment_draft()
                                            ).json["errors"][0]


def test_wildcard_spares_oauth_and_admin_unless_targeted(client, token):
    _fault(client, route="*", status=503)
    assert client.get("/.well-known/jwks.json").status_code == 200
    assert client.get("/_emulator/stats").status_code == 200
    value = token("admin")
    assert client.get("/demo/payments", headers={"Authorization": f"Bearer {value}"}
                      ).status_code == 503
    client.delete("/_emulator/faults")
    _fault(client, route="POST /oauth/token", status=503, times=1)
    failed = client.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert failed.status_code == 503
    assert token("admin")


def test_faults_run_before_authentication(client):
    _fault(client, route="*", status=502)
    assert client.get("/demo/payments").status_code == 502


def test_fault_admin_crud_and_validation(client):
    assert client.get("/_emulator/faults").json == []
    replaced = client.put("/_emulator/faults", json=[{"route": "*", "delay": 0.01},
                                                     {"route": CREATE, "status": 500}])
    assert replaced.status_code == 200
    assert [f["route"] for f in replaced.json] == ["*", CREATE]
    _fault(client, route=UPDATE, status=503)
    assert len(client.get("/_emulator/faults").json) == 3
    assert client.delete("/_emulator/faults").status_code == 204
    assert client.get("/_emulator/faults").json == []
    for bad in [{"status": 500}, {"route": "payments", "status": 500},
                {"route": "*", "status": 99}, {"route": "*", "status": 500, "probability": 2},
                {"route": "*", "status": 500, "times": 0}, {"route": "*", "delay": -1},
                {"route": "*"}, {"route": "*", "status": 500, "after": "yes"},
                {"route": "*", "status": 500, "colour": "red"}]:
        response = client.post("/_emulator/faults", json=bad)
        assert response.status_code == 400, bad
        assert response.json["errors"][0]["code"] == "InvalidInput"
    assert client.put("/_emulator/faults", json={"route": "*"}).status_code == 400
    assert client.put("/_emulator/faults", json=[{"route": "*"}]).status_code == 400
    assert client.get("/_emulator/faults").json == []


def test_initial_faults_from_config_are_validated():
    app = create_app({"FAULTS": [{"route": "*", "status": 503, "times": 1}]})
    assert app.extensions["emulator"].faults[0]["times"] == 1
    with pytest.raises(ValueError, match="FAULTS"):
        create_app({"FAULTS": [{"route": "*", "status": "bad"}]})
