"""Constants and response builders shared by the commercetools client tests."""

from __future__ import annotations

import json

import requests
from requests.structures import CaseInsensitiveDict

AUTH = "https://auth.example.test"
API = "https://api.example.test"
SESSION = "https://session.example.test/"  # the upstream default ends in "/"
PK = "demo"
TOKEN_URL = f"{AUTH}/oauth/token"
CLIENT_ID = "processor-client"
SECRET = "s3cr3t-never-shown"
PAYMENTS = f"{API}/{PK}/payments"
CARTS = f"{API}/{PK}/carts"
SESSIONS = f"{SESSION}{PK}/sessions"


def add_token(rsps, token="tok-1", expires_in=172800):
    return rsps.post(
        TOKEN_URL,
        json={"access_token": token, "token_type": "Bearer", "expires_in": expires_in},
    )


def payment(version=1, transactions=(), pid="p-1"):
    return {"id": pid, "version": version, "transactions": list(transactions)}


def conflict(current_version):
    return {
        "statusCode": 409,
        "message": f"Object p-1 has a different version than expected. Current: {current_version}.",
        "errors": [{"code": "ConcurrentModification", "currentVersion": current_version}],
    }


def calls_to(rsps, method, url):
    return [c for c in rsps.calls if c.request.method == method and c.request.url == url]


class RecordingHttp:
    """A stand-in for requests.Session that records every prepared request it is sent."""

    def __init__(self):
        self.requests = []

    def send(self, request, **kwargs):
        self.requests.append((request.method, request.url, kwargs))
        response = requests.Response()
        response.status_code = 200
        response.headers = CaseInsensitiveDict()
        token = {"access_token": "tok", "expires_in": 172800}
        response._content = json.dumps(token if "oauth" in request.url else payment()).encode()
        response.request = request
        return response
