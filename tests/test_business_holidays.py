"""Business time over a client's public-holiday calendar: inbound response windows and
business-day update cadences follow `client terms --holidays`, else the config's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from expectcli.core.config import Settings
from expectcli.core.dates import non_working_note
from expectcli.core.durations import Duration, add_workdays, check_country, holiday_name

# Tuesday 5 January 2027, 16:00 in Berlin; Wednesday the 6th is Epiphany, a holiday in Bavaria
# (DE-BY) but not in Germany as a whole.
BEFORE_EPIPHANY = "2027-01-05T16:00+01:00"


def test_inbound_follows_the_clients_calendar(cli):
    cli.ok("client", "terms", "munich", "--holidays", "DE-BY")
    bavarian = cli.json("inbound", "munich", "Question", now=BEFORE_EPIPHANY)
    hamburg = cli.json("inbound", "hamburg", "Question", now=BEFORE_EPIPHANY)
    assert bavarian["due"] == "2027-01-07T16:00:00+01:00"
    assert hamburg["due"] == "2027-01-06T16:00:00+01:00"


def test_a_clients_calendar_overrides_the_configs_and_none_clears_it(cli):
    cli.config.write_text('timezone = "Europe/Berlin"\nholidays = "DE-BY"\n')
    cli.ok("client", "terms", "hamburg", "--holidays", "DE-HH")
    cli.ok("client", "terms", "anywhere", "--holidays", "none")
    assert cli.json("inbound", "munich", "Q", now=BEFORE_EPIPHANY)["due"] == "2027-01-07T16:00:00+01:00"
    assert cli.json("inbound", "hamburg", "Q", now=BEFORE_EPIPHANY)["due"] == "2027-01-06T16:00:00+01:00"
    assert cli.json("inbound", "anywhere", "Q", now=BEFORE_EPIPHANY)["due"] == "2027-01-06T16:00:00+01:00"
    assert "holidays        none           agreed" in cli.ok("client", "terms", "anywhere").stdout


def test_a_business_day_update_cadence_skips_the_clients_holidays(cli):
    cli.ok("client", "terms", "munich", "--holidays", "DE-BY", "--update-every", "1bd", now=BEFORE_EPIPHANY)
    cli.promise(to="munich", due="2027-01-20", now=BEFORE_EPIPHANY)
    shown = cli.json("client", "show", "munich", now=BEFORE_EPIPHANY)
    assert shown["update_due"] == "2027-01-07T16:00:00+01:00"


def test_holiday_lookups():
    assert check_country(" de-by ") == "DE-BY"
    assert holiday_name("DE", date(2026, 12, 25)) == "Christmas Day"
    assert holiday_name("DE", date(2026, 12, 24)) is None
    assert holiday_name(None, date(2026, 12, 25)) is None
    # 23 Dec 2026 (Wed) + 2 working days in Germany: Thu 24th, then Mon 28th
    assert add_workdays(date(2026, 12, 23), 2, frozenset(range(5)), "DE") == date(2026, 12, 28)
    assert add_workdays(date(2026, 12, 28), 2, frozenset(range(5)), "DE", step=-1) == date(2026, 12, 23)
    german = Settings(timezone="Europe/Berlin", holidays="DE")
    assert Duration(2, "bd").add_to(datetime(2026, 12, 23, 11, tzinfo=UTC), german) == datetime(
        2026, 12, 28, 11, tzinfo=UTC
    )


def test_the_note_for_a_deadline_on_a_day_off():
    berlin = Settings(timezone="Europe/Berlin", holidays="DE")
    assert non_working_note(date(2026, 11, 29), berlin) == "Sun 29 Nov 2026 is a Sunday, not a working day"
    assert non_working_note(date(2026, 12, 25), berlin) == "Fri 25 Dec 2026 is a public holiday in DE (Christmas Day)"
    assert non_working_note(date(2026, 12, 25), berlin, holidays="") is None
    assert non_working_note(date(2026, 11, 27), berlin) is None
