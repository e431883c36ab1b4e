"""`timefmt.short` runs on every row of a long list, so it spells out day and month names and
remembers now's year; it must still print exactly what strftime and the zone say, at every moment,
across daylight-saving changes of every shape (an hour, half an hour, the Southern Hemisphere)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from expectcli.core import timefmt
from expectcli.core.config import Settings

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns",
         "Pacific/Chatham", "UTC", "Europe/Dublin", "America/Sao_Paulo"]  # fmt: skip
MOMENTS = st.integers(0, 7_258_118_400)  # 1970 to 2200
NEAR_CHANGES = st.builds(lambda base, minute: base + minute * 60,
                         st.sampled_from([1_792_026_000, 1_774_746_000, 1_801_958_400, 1_775_347_200]),
                         st.integers(-180, 180))  # fmt: skip


def reference(moment: int, config: Settings, now: int) -> str:
    """What `short` printed before it was made fast: the zone asked for every moment."""
    when = datetime.fromtimestamp(moment, config.zone)
    text = f"{when:%a} {when.day} {when:%b %H:%M}"
    if when.year != datetime.fromtimestamp(now, config.zone).year:
        text = f"{when:%a} {when.day} {when:%b %Y %H:%M}"
    if when.replace(fold=0).utcoffset() != when.replace(fold=1).utcoffset():
        same_name = when.replace(fold=0).tzname() == when.replace(fold=1).tzname()
        text += f" {when:%z}" if same_name else f" {when:%Z}"
    return text


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(ZONES), st.one_of(MOMENTS, NEAR_CHANGES), MOMENTS)
def test_short_prints_what_the_zone_says(zone, moment, now):
    config = Settings(timezone=zone)
    assert timefmt.short(moment, config, now) == reference(moment, config, now)
