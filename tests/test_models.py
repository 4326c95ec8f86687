import pytest

from giftcard_connect.models import GiftCard, Money


def test_money_rejects_floats_and_bools():
    with pytest.raises(TypeError):
        Money(10.5, "EUR")
    with pytest.raises(TypeError):
        Money(True, "EUR")


def test_money_rejects_bad_currency():
    with pytest.raises(ValueError):
        Money(100, "EURO")


def test_money_round_trips_commercetools_shape():
    money = Money.from_dict({"centAmount": 1234, "currencyCode": "CZK", "fractionDigits": 2})
    assert money == Money(1234, "CZK")
    assert money.to_dict() == {"centAmount": 1234, "currencyCode": "CZK"}


@pytest.mark.parametrize("code", ["Valid-5000-EUR", "ABCDEF-123456-XYZ"])
def test_gift_card_repr_and_str_mask_code_and_pin(code):
    card = GiftCard(code=code, pin="9876")
    for text in (repr(card), str(card), f"{card}", repr([card])):
        assert code not in text
        assert "9876" not in text
    assert repr(card).startswith("GiftCard(****" + code[-4:])


def test_gift_card_short_code_fully_masked():
    assert GiftCard(code="abc").masked == "****"
