"""Tests of the local commercetools emulator."""
