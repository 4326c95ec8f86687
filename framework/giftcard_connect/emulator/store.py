"""The emulator's in-memory state; one re-entrant lock makes every check-then-write atomic."""

from __future__ import annotations

import random
import secrets
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from .errors import not_found
from .wire import iso


@dataclass
class Token:
    """An issued opaque access token."""

    client_id: str
    scope: str
    exp: float


class EmulatorStore:
    """All state of one emulated project.

    Resources are kept in their wire representation (`carts`, `payments`, `orders`,
    `sessions`: id → JSON-ready dict) so that `where` predicates and responses see the same shape.
    `clock` is a callable returning Unix seconds; tests may replace it to move time.
    """

    def __init__(self, *, project_key: str, clients: dict, token_ttl: float,
                 session_ttl: float, faults: list[dict], fault_seed: object = None) -> None:
        self.lock = threading.RLock()
        self.clock = time.time
        self.project_key = project_key
        self.token_ttl = token_ttl
        self.session_ttl = session_ttl
        self.clients: dict[str, dict] = {
            cid: {"secret": c["secret"], "scope": c["scope"]} for cid, c in clients.items()
        }
        self.tokens: dict[str, Token] = {}
        self.carts: dict[str, dict] = {}
        self.cart_keys: dict[str, str] = {}
        self.payments: dict[str, dict] = {}
        self.payment_keys: dict[str, str] = {}
        self.payment_interface_ids: dict[tuple[str, str], str] = {}
        self.orders: dict[str, dict] = {}
        self.order_numbers: dict[str, str] = {}
        self.sessions: dict[str, dict] = {}
        # The project's built-in "Initial" line item State, which new items start in.
        self.initial_item_state = str(uuid.uuid4())
        self.requests: Counter[str] = Counter()
        self.faults = faults
        self.rng = random.Random(fault_seed)
        self.kid = secrets.token_hex(8)
        self._signing_key = None

    def signing_key(self):
        """The RSA key for the dev JWT issuer, generated on first use (keygen is slow)."""
        from cryptography.hazmat.primitives.asymmetric import rsa

        with self.lock:
            if self._signing_key is None:
                self._signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._signing_key

    def now(self) -> str:
        return iso(self.clock())

    def add_client(self, scope: str, client_id: str | None = None,
                   secret: str | None = None) -> dict:
        client_id = client_id or secrets.token_urlsafe(12)
        secret = secret or secrets.token_urlsafe(24)
        with self.lock:
            self.clients[client_id] = {"secret": secret, "scope": scope}
        return {"clientId": client_id, "secret": secret, "scope": scope}

    def issue_token(self, client_id: str, scope: str, ttl: float | None = None) -> str:
        value = secrets.token_urlsafe(32)
        expires = self.clock() + (self.token_ttl if ttl is None else ttl)
        with self.lock:
            self.tokens[value] = Token(client_id, scope, expires)
        return value

    def active_token(self, value: str) -> Token | None:
        with self.lock:
            token = self.tokens.get(value)
        if token is None or token.exp <= self.clock():
            return None
        return token

    def new_resource(self) -> dict:
        """The common head of every versioned resource."""
        now = self.now()
        return {"id": str(uuid.uuid4()), "version": 1, "createdAt": now, "lastModifiedAt": now}

    def touch(self, resource: dict) -> None:
        resource["version"] += 1
        resource["lastModifiedAt"] = self.now()

    def get(self, collection: dict, resource_id: str) -> dict:
        resource = collection.get(resource_id)
        if resource is None:
            raise not_found(resource_id)
        return resource

    def by_index(self, collection: dict, index: dict, value: str, by: str = "key") -> dict:
        """A resource found through one of its unique-value indexes, or 404."""
        with self.lock:
            resource_id = index.get(value)
            if resource_id is None:
                raise not_found(value, by=by)
            return collection[resource_id]

    def payment_by_key(self, key: str) -> dict:
        return self.by_index(self.payments, self.payment_keys, key)

    def reset(self) -> None:
        """Forget every resource; API clients and their tokens survive."""
        with self.lock:
            for collection in (self.carts, self.cart_keys, self.payments, self.payment_keys,
                               self.payment_interface_ids, self.orders, self.order_numbers,
                               self.sessions):
                collection.clear()
