"""`timefmt.short` runs on every row of a long list, so it spells out day and month names and
remembers now's year; it must still print exactly what strftime and the zone say, at every moment,
across daylight-saving changes of every shape (an hour, half an hour, the Southern Hemisphere)."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
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


def test_the_zones_change_their_offsets_as_clock_assumes():
    """`timefmt.Clock` takes a day's offset from four probes a day apart: right as long as no
    zone changes its offset twice within two days or turns its clocks back by a day or more
    (since 1970). Checked on the transitions of every zone installed, as the pure-Python
    zoneinfo reads them; the rules past a zone's last transition are yearly daylight saving."""
    import zoneinfo

    pure = pytest.importorskip("zoneinfo._zoneinfo")
    for key in sorted(zoneinfo.available_timezones()):
        zone = pure.ZoneInfo.no_cache(key)
        changes = []  # (UTC moment, offset after it), only where the offset changes
        for moment, info in zip(zone._trans_utc, zone._ttinfos, strict=True):
            offset = info.utcoff.total_seconds()
            if not changes or offset != changes[-1][1]:
                changes.append((moment, offset))
        for (earlier, before), (later, after) in itertools.pairwise(changes):
            if later < -2 * timefmt.DAY:
                continue
            assert before - after < timefmt.DAY, (key, later)
            if earlier >= -4 * timefmt.DAY:
                assert later - earlier > 2 * timefmt.DAY, (key, later)
        rule = zone._tz_after  # daylight saving by a yearly rule, or a fixed offset
        assert abs(getattr(rule, "dst_diff", 0)) < timefmt.DAY, key


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ZONES), st.one_of(MOMENTS, NEAR_CHANGES), st.integers(-3 * 86400, 3 * 86400))
def test_a_clock_reused_for_many_rows_answers_as_the_zone(zone, moment, step):
    """One `Clock` serves a whole list: its remembered days never answer for a neighbour's moments."""
    config = Settings(timezone=zone)
    clock = timefmt.clock(config, moment)
    for candidate in (moment, moment + step, moment - step, moment + 60 * (step % 1440)):
        assert clock.short(candidate) == reference(candidate, config, moment)
