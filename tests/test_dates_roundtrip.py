"""Anything the tool prints as a date can be typed back: every date and time a view shows
(`timefmt.short` in list, due, show, log, brief and the report; the JSON's ISO times; the
report's and the brief's day labels) is read by `parse_when` as the same minute, or the same
day, given the same now, in any zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from expectcli.core import serialize, timefmt
from expectcli.core.config import Settings
from expectcli.core.dates import parse_when

ZONES = [
    "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC",
    "Pacific/Chatham", "America/St_Johns", "Europe/London", "Europe/Moscow", "Pacific/Kiritimati",
]  # fmt: skip
FIRST = int(datetime(1971, 1, 1, tzinfo=UTC).timestamp())
LAST = int(datetime(2198, 12, 31, tzinfo=UTC).timestamp())

minutes = st.integers(FIRST // 60, LAST // 60).map(lambda m: m * 60)
zones = st.sampled_from(ZONES)
# a fold: the second 02:30 of Berlin's autumn night, and Moscow's 2014 change (MSK to MSK)
SECOND_0230 = int(datetime(2026, 10, 25, 1, 30, tzinfo=UTC).timestamp())
MOSCOW_FOLD = int(datetime(2014, 10, 25, 22, 30, tzinfo=UTC).timestamp())


def read(text: str, now: int, settings: Settings, past: bool = False) -> int:
    return int(parse_when(text, datetime.fromtimestamp(now, UTC), settings, past=past).timestamp())


@hypothesis_settings(max_examples=400, deadline=None)
@given(moment=minutes, now=minutes, zone=zones, near=st.booleans(), offset=st.integers(-400, 400))
@example(moment=SECOND_0230, now=SECOND_0230, zone="Europe/Berlin", near=False, offset=0)
@example(moment=SECOND_0230 - 3600, now=SECOND_0230, zone="Europe/Berlin", near=False, offset=0)
@example(moment=MOSCOW_FOLD, now=MOSCOW_FOLD, zone="Europe/Moscow", near=False, offset=0)
@example(moment=MOSCOW_FOLD - 3600, now=MOSCOW_FOLD, zone="Europe/Moscow", near=False, offset=0)
def test_every_printed_time_reads_back_as_the_same_minute(moment, now, zone, near, offset):
    if near:  # the usual case: a deadline days from now, the year left out
        moment = max(FIRST, min(LAST, now + offset * 86400 + moment % 86400 // 60 * 60))
    settings = Settings(timezone=zone)
    shown = timefmt.short(moment, settings, now)
    for past in (False, True):
        assert read(shown, now, settings, past) == moment, shown
    assert read(serialize.iso(moment, settings) or "", now, settings) == moment


@hypothesis_settings(max_examples=200, deadline=None)
@given(moment=minutes, now=minutes, zone=zones)
def test_every_printed_day_reads_back_as_the_same_day(moment, now, zone):
    settings = Settings(timezone=zone)
    day = timefmt.local(moment, settings).date()
    labels = [f"{day:%a} {day.day} {day:%b %Y}"]  # the brief's heading, the report's labels across years
    if day.year == timefmt.local(now, settings).year:
        labels.append(f"{day:%a} {day.day} {day:%b}")  # the report's day labels within a year
    for label in labels:
        for past in (False, True):
            assert timefmt.local(read(label, now, settings, past), settings).date() == day, label
    first = day.replace(day=1)
    for label in (f"{day:%B %Y}", f"{day:%b %Y}"):  # the report's month titles and trend labels
        assert timefmt.local(read(label, now, settings), settings).date() == first, label


def test_an_ambiguous_autumn_time_is_printed_with_its_zone():
    berlin = Settings(timezone="Europe/Berlin")
    assert timefmt.short(SECOND_0230 - 3600, berlin, SECOND_0230) == "Sun 25 Oct 02:30 CEST"
    assert timefmt.short(SECOND_0230, berlin, SECOND_0230) == "Sun 25 Oct 02:30 CET"
    assert timefmt.short(SECOND_0230 + 3600, berlin, SECOND_0230) == "Sun 25 Oct 03:30"
    moscow = Settings(timezone="Europe/Moscow")
    assert timefmt.short(MOSCOW_FOLD, moscow, MOSCOW_FOLD) == "Sun 26 Oct 01:30 +0300"
