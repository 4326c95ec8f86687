"""The fake over HTTP: the Voucherify endpoints the plugin calls, with its authentication
headers and error envelope. Nothing here logs a request path (it may hold a code)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, request

from .model import FakeError
from .state import VoucherifyFake


def create_app(fake: VoucherifyFake | None = None) -> Flask:
    """The fake Voucherify API; ``app.extensions["voucherify_fake"]`` is its state."""
    fake = fake or VoucherifyFake()
    app = Flask(__name__)
    app.extensions["voucherify_fake"] = fake

    @app.errorhandler(FakeError)
    def refused(error: FakeError):
        return error.to_json(), error.status

    @app.errorhandler(404)
    def unknown_path(_error):
        return {"code": 404, "key": "not_found", "message": "Resource not found"}, 404

    @app.before_request
    def authenticate():
        headers = request.headers
        if (headers.get("X-App-Id"), headers.get("X-App-Token")) != (fake.app_id, fake.app_token):
            raise FakeError(401, "unauthorized", "Unauthorized", "", "client")

    def body() -> dict[str, Any]:
        data = request.get_json(silent=True)
        if data is None and not request.get_data():
            return {}
        if not isinstance(data, dict):
            raise FakeError(400, "invalid_payload", "Invalid payload", "", "request")
        return data

    def answer(route: str, work: Callable[[], Any]) -> Response | tuple:
        """``work()``'s answer, unless a scripted fault for ``route`` says otherwise."""
        fault = fake.take_fault(route)
        if fault is not None and not fault.after and fault.status is not None:
            return _fault_response(fault)
        result = work()
        if fault is not None:
            time.sleep(fault.delay)
            if fault.status is not None:
                return _fault_response(fault)
        return jsonify(result)

    @app.get("/v1/vouchers")
    def list_vouchers():
        limit = request.args.get("limit", default=10, type=int)
        return answer("vouchers", lambda: fake.list_vouchers(max(1, min(limit, 100))))

    @app.get("/v1/vouchers/<path:code>")
    def get_voucher(code: str):
        return answer("voucher", lambda: fake.voucher(code))

    @app.post("/v1/redemptions")
    def redeem():
        data = body()
        return answer("redeem", lambda: fake.redeem(data))

    @app.get("/v1/orders/<path:order_id>")
    def get_order(order_id: str):
        return answer("order", lambda: fake.order(order_id))

    @app.get("/v1/redemptions/<redemption_id>")
    def get_redemption(redemption_id: str):
        return answer("redemption", lambda: fake.redemption(redemption_id))

    @app.post("/v1/redemptions/<redemption_id>/rollback")
    def rollback(redemption_id: str):
        data = body()
        return answer("rollback", lambda: fake.rollback(redemption_id, data, stacked=False))

    @app.post("/v1/redemptions/<redemption_id>/rollbacks")
    def rollbacks(redemption_id: str):
        data = body()
        return answer("rollback", lambda: fake.rollback(redemption_id, data, stacked=True))

    return app


def _fault_response(fault) -> Response:
    if isinstance(fault.body, (dict, list)):
        response = jsonify(fault.body)
    else:
        response = Response(fault.body or "<html><body>Bad gateway</body></html>",
                            content_type="text/html")
    response.status_code = fault.status
    response.headers.update(fault.headers)
    return response
