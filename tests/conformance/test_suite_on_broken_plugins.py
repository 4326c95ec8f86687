"""The conformance suite fails, naming the rule and the hook, on plugins that break it.

Each run is a real pytest run (``pytester``) of the suite as a plugin's own test module
runs it: the minimal example's conftest, with its provider swapped for one of
broken_providers, each of which breaks one rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from giftcard_connect.testing import ProviderConformance

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "minimal-provider"
BROKEN = "tests.conformance.broken_providers"
SUITE_SIZE = sum(name.startswith("test_") for name in dir(ProviderConformance))
TEST_MODULE = '''
import pytest
from giftcard_connect.testing import ProviderConformance
from {module} import {name}


@pytest.fixture
def provider():
    return {name}()


class TestConformance(ProviderConformance):
    pass
'''


@pytest.fixture
def run_suite(pytester, monkeypatch):
    """``run_suite(module, name)``: the suite against the plugin class ``module.name``."""
    monkeypatch.syspath_prepend(str(EXAMPLE))
    pytester.makeconftest((EXAMPLE / "tests" / "conftest.py").read_text())
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nfilterwarnings = ["error"]\n')

    def run(module: str, name: str):
        pytester.makepyfile(test_fixture_plugin=TEST_MODULE.format(module=module, name=name))
        return pytester.runpytest("-p", "no:cacheprovider", "-rf")

    return run


def failed_tests(result) -> set[str]:
    return set(re.findall(r"^FAILED \S+::(test_\w+)", result.stdout.str(), re.MULTILINE))


def test_suite_passes_a_correct_plugin(run_suite):
    result = run_suite("giftcard_connect_minimal", "MinimalProvider")
    result.assert_outcomes(passed=SUITE_SIZE)


LOG_RULE = (
    "no gift card code or PIN may appear in any log record, at any level (log GiftCard's "
    "masked repr, never card.code or card.pin):"
)


@pytest.mark.parametrize(
    "plugin, failing, messages",
    [
        pytest.param(
            "BalanceAsDict",
            {"test_hooks_return_their_types", "test_balance_of_a_usable_card",
             "test_every_listed_decline_state_reaches_the_enabler"},
            [
                ("  giftcard_balance must return a Balance(amount=Money(5000, 'EUR')) for a card "
                 "holding 5000; it returned {'amount': {'centAmount': 5000, "
                 "'currencyCode': 'EUR'}}"),
            ],
            id="BalanceAsDict",
        ),
        pytest.param(
            "RedeemChargesTwice",
            {"test_redeem_is_idempotent_by_reference"},
            [
                ("giftcard_redeem must be idempotent by reference: the same reference twice must "
                 "debit once; two calls with one reference for 1000 of 5000 left a balance of "
                 "3000, not 4000"),
            ],
            id="RedeemChargesTwice",
        ),
        pytest.param(
            "VoidFailsForUnknownReference",
            {"test_void_of_an_unknown_reference_succeeds", "test_hooks_return_their_types"},
            [
                ("giftcard_void must succeed with voided=False for a reference it never saw; it "
                 "raised GiftCardError(state='Invalid', code='UnknownReference')"),
            ],
            id="VoidFailsForUnknownReference",
        ),
        pytest.param(
            "CancelGivesBackTwice",
            {"test_cancel_never_gives_back_twice_for_one_reference"},
            [
                ("giftcard_cancel must never give back twice for one reference; calling it again "
                 "with the reference of a completed cancel of 3000 left a balance of 8000, not "
                 "5000"),
            ],
            id="CancelGivesBackTwice",
        ),
        pytest.param(
            "LogsTheCode",
            {"test_hooks_return_their_types", "test_every_listed_decline_state_reaches_the_enabler",
             "test_redeem_debits_the_amount_asked", "test_redeem_is_idempotent_by_reference",
             "test_void_after_an_unknown_outcome_gives_the_money_back",
             "test_cancel_never_gives_back_twice_for_one_reference",
             "test_partial_cancel_only_when_declared"},
            [
                LOG_RULE,
                ("  the code ****???? in a DEBUG record of logger "
                 "'tests.conformance.broken_providers' (logged in giftcard_redeem, "
                 "*broken_providers.py:*)"),
            ],
            id="LogsTheCode",
        ),
        pytest.param(
            "VoidKeepsTheMoney",
            {"test_void_after_an_unknown_outcome_gives_the_money_back"},
            [
                ("giftcard_void must give the money back after a redeem whose outcome was "
                 "unknown; the redeem of 2000 of 5000 happened, its answer was lost and the "
                 "processor voided its reference; the card's balance is 3000, not 5000 (POST "
                 '/redeem answered *"result":"Failure"*)'),
            ],
            id="VoidKeepsTheMoney",
        ),
        pytest.param(
            "UnknownCardIsInvalid",
            {"test_every_listed_decline_state_reaches_the_enabler"},
            [
                "every decline state the fixture lists must reach the Enabler:",
                ("  giftcard_balance must decline the NotFound card CardSample(****SUED) with "
                 "GiftCardError(state='NotFound'); it raised GiftCardError(state='Invalid', "
                 "code='UnknownCard')"),
            ],
            id="UnknownCardIsInvalid",
        ),
    ],
)
def test_suite_fails_a_broken_plugin_naming_rule_and_hook(run_suite, plugin, failing, messages):
    result = run_suite(BROKEN, plugin)
    result.assert_outcomes(failed=len(failing), passed=SUITE_SIZE - len(failing))
    assert failed_tests(result) == failing
    result.stdout.fnmatch_lines(messages)


def test_suite_without_a_plugin_fixture_says_what_to_write(pytester):
    pytester.makepyfile(
        test_fixture_plugin="from giftcard_connect.testing import ProviderConformance\n\n\n"
        "class TestConformance(ProviderConformance):\n    pass\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=SUITE_SIZE)
    result.stdout.fnmatch_lines([
        ("*the conformance suite needs a giftcard_provider_under_test fixture in your "
         "conftest.py returning giftcard_connect.testing.ProviderUnderTest(...)*"),
    ])


def test_suite_reports_a_processor_that_refuses_to_start(run_suite, pytester):
    pytester.makepyfile(
        test_fixture_plugin="import dataclasses\n\nimport pytest\n"
        "from giftcard_connect.testing import ProviderConformance\n\n\n"
        "@pytest.fixture\n"
        "def giftcard_provider_under_test(giftcard_provider_under_test):\n"
        "    return dataclasses.replace(giftcard_provider_under_test, currency='USD')\n\n\n"
        "class TestConformance(ProviderConformance):\n    pass\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=SUITE_SIZE)
    result.stdout.fnmatch_lines([
        ("*the processor must start with provider 'minimal' (giftcard_provider_info must return "
         "a ProviderInfo listing USD, and every provider hook must be implemented); it refused: "
         "provider 'minimal' does not support USD; it supports EUR*"),
    ])
