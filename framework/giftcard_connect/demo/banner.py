"""What the demo prints: where everything runs, and a curl walkthrough to copy and paste.

The walkthrough has a cart, a Checkout session and (with the mock provider) a card of its
own, so it works the same before or after the checkout page is used, and again. Every
line fails with a readable message: curl reports what it could not reach, the processor
answers errors as JSON, and the one JSON reader (``json_field``) says what came back
instead of the field it looked for.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

OPERATIONS_HEADING = (
    "# Checkout's side, as one block: a merchant token, then a refund of 5.00 of that payment"
)
JSON_FIELD = """json_field() { python3 -c 'import json, sys
answer = sys.stdin.read()
try:
    value = json.loads(answer)[sys.argv[1]]
except (ValueError, KeyError, TypeError):
    sys.exit("no " + sys.argv[1] + " in the answer: " + (answer.strip() or "none (is the server running?)"))
print(value if isinstance(value, str) else json.dumps(value))' "$1"; }"""


def amount(money: dict[str, Any]) -> str:
    digits = money.get("fractionDigits", 2)
    cents = money["centAmount"]
    value = f"{cents // 10**digits}.{cents % 10**digits:0{digits}d}" if digits else str(cents)
    return f"{value} {money['currencyCode']}"


def _body(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"))


def walkthrough(info: dict[str, Any]) -> str:
    """Copy-paste curl commands against the running demo, on the walkthrough's own cart."""
    url, currency = info["processorUrl"], info["currency"]
    terminal = info["walkthrough"]
    session = terminal["sessionId"]

    def post(path: str, body: dict[str, Any], *headers: str) -> str:
        extra = "".join(f" -H {shlex.quote(header)}" for header in headers)
        return (
            f"curl -sS -X POST {url}{path} -H 'Content-Type: application/json' "
            f"-H 'X-Session-Id: {session}'{extra} -d {shlex.quote(_body(body))}"
        )

    lines = [
        f"# The terminal's own cart ({amount(terminal['cartTotal'])}) and Checkout session; "
        "the checkout page has carts of its own.",
        "# What the Enabler asks first (PIN field, currency):",
        f"curl -sS {url}/operations/config -H 'X-Session-Id: {session}'",
    ]
    card = terminal.get("card")
    if card is None:
        lines += [
            "# The balance of one of your provider's test cards (put its code in the JSON):",
            post("/balance", {"code": "YOUR-TEST-CARD"}),
            "",
            "# The Merchant Center's status view (a JWT from the emulator's dev issuer):",
            JSON_FIELD,
            *_status(info),
        ]
        return "\n".join(lines)
    paid, left = 2000, card["amount"]["centAmount"] - 2000
    redeem = post(
        "/redeem",
        {"code": card["code"], "redeemAmount": {"centAmount": paid, "currencyCode": currency}},
        "Idempotency-Key: demo-walkthrough-1",
    )
    lines += [
        f"# The balance of this walkthrough's card {card['code']} "
        f"({amount(card['amount'])} before the payment below):",
        post("/balance", {"code": card["code"]}),
        f"# Pay {amount({'centAmount': paid, 'currencyCode': currency})} of the cart with it "
        "(run it again: the same Idempotency-Key charges once):",
        redeem,
        f"# What the card has left ({amount({'centAmount': left, 'currencyCode': currency})}):",
        post("/balance", {"code": card["code"]}),
        "# A declined card:",
        post("/balance", {"code": info.get("declinedCodes", ["Expired"])[0]}),
        "",
        OPERATIONS_HEADING,
        JSON_FIELD,
        *_operations(info, redeem),
    ]
    return "\n".join(lines)


def _operations(info: dict[str, Any], redeem: str) -> list[str]:
    """Checkout's refund and the Merchant Center's status view, as one shell block."""
    emulator, url, currency = info["emulatorUrl"], info["processorUrl"], info["currency"]
    credentials = shlex.quote(f"{info['clientId']}:{info['clientSecret']}")
    refund = _body({"actions": [{
        "action": "refundPayment",
        "amount": {"centAmount": 500, "currencyCode": currency},
        "merchantReference": "demo-refund-1",
    }]})
    return [
        f"TOKEN=$(curl -sS -u {credentials} -d grant_type=client_credentials "
        f"{emulator}/oauth/token | json_field access_token)",
        f"PAYMENT=$({redeem} | json_field paymentReference)",
        f'curl -sS -X POST "{url}/operations/payment-intents/${{PAYMENT:?no payment id, '
        'see the message above}" -H "Authorization: Bearer ${TOKEN:?no token, see the message '
        f"above}}\" -H 'Content-Type: application/json' -d {shlex.quote(refund)}",
        "# The Merchant Center's status view (a JWT from the emulator's dev issuer):",
        *_status(info),
    ]


def _status(info: dict[str, Any]) -> list[str]:
    emulator, url = info["emulatorUrl"], info["processorUrl"]
    return [
        f"JWT=$(curl -sS -X POST {emulator}/_emulator/jwt -H 'Content-Type: application/json' "
        "-d '{}' | json_field token)",
        f'curl -sS {url}/operations/status -H "Authorization: Bearer ${{JWT:?no token, see the '
        'message above}"',
    ]


def describe(info: dict[str, Any]) -> str:
    """The demo's banner: URLs, credentials, ids, then the walkthrough."""
    terminal = info["walkthrough"]
    lines = [
        "giftcard-connect demo is running (Ctrl-C stops it)",
        f"  checkout page:  {info['storefrontUrl']}  <- open this in a browser",
        f"  processor:      {info['processorUrl']} (provider {info['provider']})",
    ]
    if info.get("providerUrl"):
        lines.append(f"  mock provider:  {info['providerUrl']}")
    lines += [
        f"  commercetools:  {info['emulatorUrl']} (emulator)",
        f"  project key:    {info['projectKey']}",
        f"  client id:      {info['clientId']}",
        f"  client secret:  {info['clientSecret']}",
        "",
        "The checkout page lists demo cards made for its cart; \"New cart\" brings new ones."
        if terminal.get("card")
        else "Use your provider's test cards on the checkout page.",
        "The walkthrough below has a cart, a session and a card of its own:"
        if terminal.get("card")
        else "The walkthrough below has a cart and a session of its own:",
        f"  cart id:        {terminal['cartId']} (total {amount(terminal['cartTotal'])})",
        f"  session id:     {terminal['sessionId']}",
        "",
        walkthrough(info),
    ]
    return "\n".join(lines)
