"""Validity windows: days of the week, hours per day, duration-every-interval time frames,
in the project's time zone; what cannot be read is open."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import voucherify_fixtures as fx
from giftcard_connect import GiftCardError
from giftcard_connect_voucherify.vouchers import usable_balance
from giftcard_connect_voucherify.windows import within_windows

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 2025-06-11, 10:30 UTC (12:30 in Berlin)
WEDNESDAY = datetime(2025, 6, 11, 10, 30, tzinfo=UTC)


def hours(*windows: tuple[str, str, list[int] | None]) -> dict:
    return {"validity_hours": {"daily": [
        {"start_time": start, "expiration_time": end, **({"days_of_week": days} if days else {})}
        for start, end, days in windows]}}


@pytest.mark.parametrize("days, open_", [([3], True), ([1, 5], False), ([], True), (None, True)])
def test_days_of_the_week_count_sunday_as_zero(days, open_):
    assert within_windows({"validity_day_of_week": days}, WEDNESDAY, UTC) is open_


def test_days_of_the_week_are_the_projects():
    late_tuesday_utc = datetime(2025, 6, 10, 23, 30, tzinfo=UTC)  # Wednesday in Berlin
    voucher = {"validity_day_of_week": [3]}
    assert within_windows(voucher, late_tuesday_utc, UTC) is False
    assert within_windows(voucher, late_tuesday_utc, BERLIN) is True


@pytest.mark.parametrize(
    "window, zone, open_",
    [
        (("10:00", "11:00", [3]), UTC, True),
        (("10:00", "11:00", [3]), BERLIN, False),  # 12:30 there
        (("12:00", "13:00", None), BERLIN, True),
        (("10:00", "11:00", [4]), UTC, False),
        (("10:30", "10:31", [3]), UTC, True),  # the start is in, the end is out
        (("09:00", "10:30", [3]), UTC, False),
        (("22:00", "11:00", [2]), UTC, True),  # from Tuesday night into Wednesday
        (("22:00", "11:00", [3]), UTC, False),  # Wednesday night's has not begun
    ],
)
def test_hours_per_day(window, zone, open_):
    assert within_windows(hours(window), WEDNESDAY, zone) is open_


def test_any_of_several_daily_windows_opens():
    voucher = hours(("08:00", "09:00", [3]), ("10:00", "11:00", [3]))
    assert within_windows(voucher, WEDNESDAY, UTC) is True


@pytest.mark.parametrize(
    "start, interval, duration, open_",
    [
        ("2025-06-01T10:00:00Z", "P1D", "PT1H", True),  # 10:00-11:00 every day
        ("2025-06-01T11:00:00Z", "P1D", "PT1H", False),
        ("2025-06-02T10:00:00Z", "P2D", "PT1H", False),  # every other day, not today
        ("2025-06-01T10:00:00Z", "P2D", "PT1H", True),
        ("2025-06-11T09:00:00Z", "PT2H", "PT1H45M", True),
        ("2025-06-04T10:00:00Z", "P1W", "P1D", True),
    ],
)
def test_time_frame_repeats_from_the_start_date(start, interval, duration, open_):
    voucher = {"start_date": start,
               "validity_timeframe": {"interval": interval, "duration": duration}}
    assert within_windows(voucher, WEDNESDAY, UTC) is open_


@pytest.mark.parametrize(
    "voucher",
    [
        {"validity_timeframe": {"interval": "P1M", "duration": "PT1H"},
         "start_date": "2025-06-01T00:00:00Z"},  # months have no fixed length
        {"validity_timeframe": {"interval": "P1D", "duration": "PT1H"}},  # no start date
        {"validity_timeframe": {"interval": "soon", "duration": "PT1H"},
         "start_date": "2025-06-01T00:00:00Z"},
        {"validity_timeframe": {"interval": "P", "duration": "PT1H"},
         "start_date": "2025-06-01T00:00:00Z"},
        hours(("noon", "13:00", [3])),
        {"validity_hours": {"daily": "always"}},
        {"validity_timeframe": None, "validity_day_of_week": None, "validity_hours": None},
    ],
)
def test_what_cannot_be_read_is_open(voucher):
    assert within_windows(voucher, WEDNESDAY, UTC) is True


def test_windows_combine():
    voucher = {"validity_day_of_week": [3], **hours(("10:00", "11:00", [3, 4])),
               "start_date": "2025-06-01T10:00:00Z",
               "validity_timeframe": {"interval": "P1D", "duration": "PT2H"}}
    assert within_windows(voucher, WEDNESDAY, UTC) is True
    assert within_windows(voucher, WEDNESDAY + timedelta(days=1), UTC) is False


def test_a_closed_window_declines_the_balance():
    voucher = fx.voucher(**hours(("22:00", "23:00", None)))
    with pytest.raises(GiftCardError) as caught:
        usable_balance(voucher, "EUR", UTC, now=WEDNESDAY)
    assert (caught.value.state, caught.value.code) == ("Invalid", "CardNotActiveNow")
    assert usable_balance(voucher, "EUR", UTC, now=WEDNESDAY.replace(hour=22)).amount.cent_amount
