"""A voucher's recurring validity windows, which ``GET /v1/vouchers/{code}`` reports but does
not evaluate: ``validity_timeframe``, ``validity_day_of_week`` and ``validity_hours``.

Voucherify evaluates them in the time zone of the project's settings (the plugin's
``TIMEZONE`` setting). A window this module cannot read is taken as open: a balance
should not turn a usable card away, and the redemption is checked by Voucherify anyway.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone, tzinfo
from typing import Any

# ISO 8601 durations of fixed length: weeks, days, hours, minutes, seconds (no months).
DURATION = re.compile(
    r"P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?"
)


def within_windows(voucher: dict[str, Any], now: datetime, zone: tzinfo) -> bool:
    """False only when ``now`` is certainly outside one of the voucher's windows."""
    local = now.astimezone(zone)
    return (
        _on_valid_day(voucher.get("validity_day_of_week"), local)
        and _within_hours(voucher.get("validity_hours"), local)
        and _within_timeframe(voucher.get("validity_timeframe"), voucher.get("start_date"), now)
    )


def weekday(moment: datetime) -> int:
    """Voucherify's day number: 0 is Sunday, 6 Saturday."""
    return moment.isoweekday() % 7


def _on_valid_day(days: Any, local: datetime) -> bool:
    if not isinstance(days, list) or not days:
        return True
    return weekday(local) in days


def _within_hours(hours: Any, local: datetime) -> bool:
    """``{"daily": [{"start_time": "09:00", "expiration_time": "11:00", "days_of_week": [1]}]}``."""
    if not isinstance(hours, dict) or not isinstance(hours.get("daily"), list):
        return True
    windows = [w for w in hours["daily"] if isinstance(w, dict)]
    if not windows:
        return True
    for window in windows:
        start, end = _clock(window.get("start_time")), _clock(window.get("expiration_time"))
        if start is None or end is None:
            return True  # unreadable: open
        days = window.get("days_of_week")
        days = days if isinstance(days, list) and days else list(range(7))
        now, today, yesterday = local.time(), weekday(local), (weekday(local) - 1) % 7
        if start < end and today in days and start <= now < end:
            return True
        if end <= start and ((today in days and now >= start) or (yesterday in days and now < end)):
            return True  # a window past midnight belongs to the day it starts on
    return False


def _within_timeframe(timeframe: Any, start_date: Any, now: datetime) -> bool:
    """Open for ``duration`` every ``interval``, counted from the voucher's start date."""
    if not isinstance(timeframe, dict):
        return True
    interval, duration = _duration(timeframe.get("interval")), _duration(timeframe.get("duration"))
    start = parse_instant(start_date)
    if interval is None or duration is None or start is None or interval <= timedelta(0):
        return True
    if now < start:
        return True  # before the start date: decided by the start date itself
    return (now - start) % interval < duration


def _duration(text: Any) -> timedelta | None:
    if not isinstance(text, str):
        return None
    match = DURATION.fullmatch(text.strip().upper())
    if not match or text.strip().upper() in ("P", "PT"):
        return None
    parts = {name: int(value) for name, value in match.groupdict().items() if value}
    return timedelta(**parts)


def _clock(text: Any) -> time | None:
    if not isinstance(text, str):
        return None
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_instant(text: Any) -> datetime | None:
    """An ISO 8601 date-time as an aware datetime (UTC when it names no offset), or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
