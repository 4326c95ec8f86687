"""giftcard-connect's provider conformance suite against the Voucherify fake, once for each
plausible answer where Voucherify's behaviour is not documented."""

import pytest
from giftcard_connect.testing import ProviderConformance
from giftcard_connect_voucherify.fake import Behaviour

VARIANTS = {
    # refusals as HTTP errors, lone redemptions without a parent
    "errors": Behaviour(failure_shape="error"),
    # refusals as failed redemptions, listed on the order
    "failed-results": Behaviour(failure_shape="result", failed_in_order=True),
    # refusals as inapplicable redeemables, every redemption under a parent
    "inapplicable-stacked": Behaviour(failure_shape="inapplicable", stacked=True),
}


@pytest.fixture(params=list(VARIANTS))
def voucherify_behaviour(request) -> Behaviour:
    return VARIANTS[request.param]


class TestConformance(ProviderConformance):
    """The provider hook contract, through a processor with the plugin and the fake."""
