"""``reconcile`` resolves Pending charges exactly once: dry run, provider down, racing runs."""

import threading
import uuid

import giftcard_connect_mock.plugin
import pytest
from click.testing import CliRunner
from giftcard_connect.app import create_app
from giftcard_connect.cli import cli
from giftcard_connect.reconcile import reconcile
from giftcard_connect_mock.books import fetch_ledger

from .flows import (
    Recorder,
    balance_of,
    charge_of,
    giftcard_payments,
    mock_faults,
    mock_redeem_attempt,
    mock_redeem_directly,
    pending_charge_payment,
    redeem,
    redemptions,
    seed_card,
    wait_until,
)


def crashed_redeem(merchant, mock_url, code, cents):
    """What a processor that died mid-redeem leaves: a provider redemption, a Pending charge."""
    reference = str(uuid.uuid4())
    mock_redeem_directly(mock_url, code, cents, reference)
    return pending_charge_payment(merchant, reference, cents), reference


@pytest.fixture
def cli_reconcile(config_for, tmp_path, monkeypatch):
    """``giftcard-connect reconcile ARGS`` in-process, configured from the environment."""
    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    env = {k: v for k, v in config_for().items() if isinstance(v, str)}

    def run(*args):
        return CliRunner().invoke(cli, ["reconcile", "--older-than", "0", *args], env=env)

    return run


def test_dry_run_lists_and_changes_nothing(cli_reconcile, merchant, mock_provider, books):
    payment, _ = crashed_redeem(merchant, mock_provider.url, "Valid-5000-EUR", 3000)
    ledger_before = fetch_ledger(mock_provider.url)

    result = cli_reconcile("--dry-run")

    assert result.exit_code == 1, result.output
    assert payment["id"] in result.output and "would void" in result.output
    assert fetch_ledger(mock_provider.url) == ledger_before
    assert charge_of(merchant.get_payment(payment["id"]))["state"] == "Pending"

    result = cli_reconcile()
    assert result.exit_code == 0, result.output
    assert "voided" in result.output
    assert charge_of(merchant.get_payment(payment["id"]))["state"] == "Failure"
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 5000
    books()

    result = cli_reconcile("--dry-run")
    assert result.exit_code == 0, result.output
    assert payment["id"] not in result.output


def test_reconcile_leaves_nothing_to_void_as_failure(cli_reconcile, merchant, mock_provider, books):
    """A Pending charge the provider never saw: recorded Failure, and its reference is dead."""
    reference = str(uuid.uuid4())
    payment = pending_charge_payment(merchant, reference, 3000)

    result = cli_reconcile()

    assert result.exit_code == 0, result.output
    assert "nothing to void" in result.output
    assert charge_of(merchant.get_payment(payment["id"]))["state"] == "Failure"
    # A redeem arriving after the void must not charge.
    response = mock_redeem_attempt(mock_provider.url, "Valid-5000-EUR", 3000, reference)
    assert response.status_code == 400 and response.json()["error"]["code"] == "Voided"
    books()


def test_provider_down_leaves_charge_unresolved(
    make_processor, cli_reconcile, checkout, merchant, mock_provider, books
):
    """Provider applies the redeem then goes silent, so neither answer nor void gets through."""
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="1")
    mock_faults(mock_provider.url, apply_then_delay=2.5, apply_then_delay_next=1)
    session = checkout.session()
    answers = []
    thread = threading.Thread(
        target=lambda: answers.append(redeem(processor.url, session, "Valid-5000-EUR", 3000))
    )
    thread.start()
    try:
        wait_until(lambda: redemptions(mock_provider.url), timeout=5)
        mock_faults(mock_provider.url, error_rate=1.0)  # the void will fail too
    finally:
        thread.join(30)

    [response] = answers
    assert response.status_code == 502, response.text  # not known: never a 200 Failure
    assert response.json()["status"]["state"] == "GenericError"
    assert response.json()["status"]["errors"][0]["code"] == "OutcomeUnknown"
    [payment] = giftcard_payments(merchant)
    assert charge_of(payment)["state"] == "Pending"
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 2000

    result = cli_reconcile()
    assert result.exit_code == 1, result.output
    assert payment["id"] in result.output and "unresolved" in result.output
    assert charge_of(merchant.get_payment(payment["id"]))["state"] == "Pending"
    [redemption] = redemptions(mock_provider.url)
    assert not redemption["voided"]

    mock_faults(mock_provider.url)
    result = cli_reconcile()
    assert result.exit_code == 0, result.output
    assert "voided" in result.output
    assert charge_of(merchant.get_payment(payment["id"]))["state"] == "Failure"
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 5000
    books()


def test_concurrent_reconciles_void_each_charge_once(config_for, merchant, mock_provider, books):
    codes = [f"RECON-CARD-{i}" for i in range(6)]
    crashed = []
    for code in codes:
        seed_card(mock_provider.url, code, 5000)
        crashed.append(crashed_redeem(merchant, mock_provider.url, code, 2000))
    recorder = Recorder()
    runtimes = [
        create_app(
            config_for(PLUGINS={"mock": giftcard_connect_mock.plugin, "audit": recorder})
        ).extensions["giftcard_connect"]
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    rows, errors = [], []

    def instance(runtime):
        barrier.wait(timeout=10)
        try:
            rows.extend(reconcile(runtime, older_than=0))
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=instance, args=(runtime,)) for runtime in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors, errors
    assert all(row.resolved for row in rows), rows
    ledger = fetch_ledger(mock_provider.url)
    assert len(ledger["voids"]) == len(codes)
    assert all(r["voided"] for r in ledger["redemptions"])
    for code in codes:
        assert ledger["cards"][code]["amount"]["centAmount"] == 5000  # credited once, not twice
    for payment, _ in crashed:
        current = merchant.get_payment(payment["id"])
        assert [(t["type"], t["state"]) for t in current["transactions"]] == [("Charge", "Failure")]
    assert sorted(recorder.calls) == sorted((p["id"], "Charge", "Failure") for p, _ in crashed)
    books({code: 5000 for code in codes})

    assert reconcile(runtimes[0], older_than=0) == []
    assert len(recorder.calls) == len(codes)
    books({code: 5000 for code in codes})


def start_redeem(processor_url, session, code, cents):
    """Redeem in a thread; returns (thread, answers)."""
    answers = []
    thread = threading.Thread(
        target=lambda: answers.append(redeem(processor_url, session, code, cents, timeout=30))
    )
    thread.start()
    return thread, answers


def test_reconcile_voiding_an_inflight_redeem_wins(
    make_processor, config_for, checkout, merchant, mock_provider, books
):
    """Reconcile voids while the provider's answer is still on its way: the answer is ignored."""
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="10")
    mock_faults(mock_provider.url, apply_then_delay=1.5, apply_then_delay_next=1)
    thread, answers = start_redeem(processor.url, checkout.session(), "Valid-5000-EUR", 3000)
    try:
        wait_until(lambda: redemptions(mock_provider.url), timeout=5)
        runtime = create_app(config_for()).extensions["giftcard_connect"]
        rows = reconcile(runtime, older_than=0)
    finally:
        thread.join(30)

    assert [row.outcome for row in rows] == ["voided"]
    [response] = answers
    assert response.status_code == 200, response.text  # the money went back: a Failure
    assert response.json()["result"] == "Failure"
    assert response.json()["status"]["state"] == "GenericError"
    [payment] = giftcard_payments(merchant)
    assert [(t["type"], t["state"]) for t in payment["transactions"]] == [("Charge", "Failure")]
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 5000
    books()


def test_reconcile_voiding_wins_over_a_success_answered_meanwhile(
    make_processor, config_for, checkout, merchant, mock_provider, books
):
    """Reconcile starts voiding a charge whose redeem is still waiting for the provider.

    The charge is marked Voiding before the void is sent, so the Success answered
    meanwhile is not recorded: the processor voids too, and the shopper hears Failure.
    """
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="10")
    mock_faults(mock_provider.url, apply_then_delay=1.0, apply_then_delay_next=1)
    thread, answers = start_redeem(processor.url, checkout.session(), "Valid-5000-EUR", 3000)
    try:
        wait_until(lambda: redemptions(mock_provider.url), timeout=5)
        mock_faults(mock_provider.url, latency=2.5)  # the void arrives after the Success
        runtime = create_app(config_for(GIFTCARD_PROVIDER_TIMEOUT="10")).extensions[
            "giftcard_connect"
        ]
        rows = reconcile(runtime, older_than=0)
    finally:
        thread.join(30)

    [response] = answers
    assert response.status_code == 200, response.text
    assert response.json()["result"] == "Failure"
    assert [row.outcome for row in rows] == ["voided"]
    [payment] = giftcard_payments(merchant)
    assert [(t["type"], t["state"]) for t in payment["transactions"]] == [("Charge", "Failure")]
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 5000
    books()


def test_unconfirmed_reconcile_void_still_blocks_the_success(
    make_processor, config_for, checkout, merchant, mock_provider, books
):
    """As above, but reconcile's void times out (and lands later anyway, as voids may).

    The charge stays Pending and marked, so it can never be recorded as Success while the
    provider gave the money back; the processor's own void settles it, and a later
    reconcile leaves balanced books.
    """
    processor = make_processor(GIFTCARD_PROVIDER_TIMEOUT="10")
    mock_faults(mock_provider.url, apply_then_delay=1.0, apply_then_delay_next=1)
    thread, answers = start_redeem(processor.url, checkout.session(), "Valid-5000-EUR", 3000)
    try:
        wait_until(lambda: redemptions(mock_provider.url), timeout=5)
        mock_faults(mock_provider.url, latency=2.5)
        impatient = create_app(config_for(GIFTCARD_PROVIDER_TIMEOUT="0.5")).extensions[
            "giftcard_connect"
        ]
        rows = reconcile(impatient, older_than=0)
    finally:
        thread.join(30)

    assert [row.outcome.startswith("unresolved") for row in rows] == [True]
    [response] = answers
    assert (response.status_code, response.json()["result"]) == (200, "Failure"), response.text
    wait_until(lambda: redemptions(mock_provider.url)[0]["voided"], timeout=10)
    mock_faults(mock_provider.url)

    reconcile(create_app(config_for()).extensions["giftcard_connect"], older_than=0)
    [payment] = giftcard_payments(merchant)
    assert [(t["type"], t["state"]) for t in payment["transactions"]] == [("Charge", "Failure")]
    books()
