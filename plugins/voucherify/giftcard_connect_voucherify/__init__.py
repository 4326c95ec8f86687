"""Voucherify gift cards as a payment method in commercetools Checkout (a giftcard-connect
provider plugin)."""
