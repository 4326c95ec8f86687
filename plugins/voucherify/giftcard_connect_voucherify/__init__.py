"""Voucherify gift cards as a payment method in commercetools Checkout."""
