"""Issue 12, "What went wrong", the date bullets: each scenario as a consultant typed it,
through the real command line (Berlin, the fixtures' config)."""

from __future__ import annotations

import pytest

# Wednesday 23 December 2026, 10:00 in Berlin; Friday the 25th and Saturday the 26th are
# public holidays in Germany, the 27th is a Sunday.
BEFORE_CHRISTMAS = "2026-12-23T10:00+01:00"
SATURDAY = "2026-11-28T10:00+01:00"


def berlin(config, *lines: str) -> None:
    config.write_text("\n".join(['timezone = "Europe/Berlin"', *lines]) + "\n")


# --- "+2bd from Wed 23 Dec lands on Fri 25 Dec with German holidays configured" --------


def test_business_days_skip_the_configured_public_holidays(cli):
    berlin(cli.config, 'holidays = "DE"')
    created = cli.json("promise", "Year-end summary", "--to", "acme", "--due", "+2bd", now=BEFORE_CHRISTMAS)
    assert created["due"] == "2026-12-28T17:00:00+01:00"  # Thu 24th, then Mon 28th


def test_a_clients_holiday_calendar_is_used_for_its_promises(cli):
    cli.ok("client", "terms", "acme", "--holidays", "de")
    assert cli.json("client", "terms", "acme")["holidays"] == "DE"
    to_acme = cli.json("promise", "Summary", "--to", "acme", "--due", "+2bd", now=BEFORE_CHRISTMAS)
    to_globex = cli.json("promise", "Summary", "--to", "globex", "--due", "+2bd", now=BEFORE_CHRISTMAS)
    assert to_acme["due"] == "2026-12-28T17:00:00+01:00"
    assert to_globex["due"] == "2026-12-25T17:00:00+01:00"  # no calendar configured: only weekends


def test_a_client_can_opt_out_of_the_global_calendar(cli):
    berlin(cli.config, 'holidays = "DE"')
    cli.ok("client", "terms", "acme", "--holidays", "none")
    to_acme = cli.json("promise", "Summary", "--to", "acme", "--due", "+2bd", now=BEFORE_CHRISTMAS)
    assert to_acme["due"] == "2026-12-25T17:00:00+01:00"


def test_eod_eow_and_due_within_business_days_skip_holidays(cli):
    berlin(cli.config, 'holidays = "DE"')
    christmas = "2026-12-25T10:00+01:00"
    assert cli.json("promise", "A", "--to", "acme", "--due", "eod", now=christmas)["due"] == "2026-12-28T17:00:00+01:00"
    # Good Friday 2027 is 26 March: that week's last working day is Thursday.
    week = "2027-03-22T10:00+01:00"
    assert cli.json("promise", "B", "--to", "acme", "--due", "eow", now=week)["due"] == "2027-03-25T17:00:00+01:00"
    thursday = "2026-12-24T10:00+01:00"
    cli.promise("Monday call prep", due="2026-12-28 09:00", now=thursday)
    listed = cli.json("due", "--within", "1bd", now=thursday)
    # 1bd from Thu 10:00 is Mon 10:00: in the window, and inside acme's notice (1bd) as well
    assert [p["title"] for p in listed["at_risk"] + listed["due"]] == ["Monday call prep"]


def test_a_bad_holiday_calendar_is_refused_and_nothing_written(cli):
    for value, message in [
        ("XX", "expect: unknown country 'XX' for public holidays; use an ISO code such as DE, US, GB or DE-BY\n"),
        ("DE-ZZ", "expect: unknown public-holiday region 'DE-ZZ': DE has no region ZZ\n"),
        ("12", "expect: '12' is not a public-holiday calendar; give a country code with an optional region, "
         "such as DE, US, GB or DE-BY (or none)\n"),
    ]:  # fmt: skip
        out = cli("client", "terms", "acme", "--holidays", value)
        assert (out.exit_code, out.stderr) == (2, message)
    assert cli.json("client", "list") == []


# --- "`move 5 +1d` on a promise due 20 Dec moves it to tomorrow" ----------------------------


@pytest.mark.parametrize(
    "when, expected",
    [
        ("+1d", "2026-12-21T17:00:00+01:00"),
        ("2d", "2026-12-22T17:00:00+01:00"),
        ("+2bd", "2026-12-22T17:00:00+01:00"),  # from Sunday: Monday, Tuesday
        ("+3h", "2026-12-20T20:00:00+01:00"),
    ],
)
def test_a_relative_move_counts_from_the_deadline_in_force(cli, when, expected):
    pid = cli.promise(due="2026-12-20")
    moved = cli.json("move", str(pid), when, "--reason", "client asked")
    assert moved["due"] == expected


def test_a_relative_move_keeps_the_deadlines_time_and_skips_the_clients_holidays(cli):
    cli.ok("client", "terms", "acme", "--holidays", "DE")
    pid = cli.promise(due="2026-12-23 12:00")
    assert cli.json("move", str(pid), "+2bd", "--reason", "waiting")["due"] == "2026-12-28T12:00:00+01:00"


def test_a_move_to_an_earlier_deadline_says_so(cli):
    pid = cli.promise(due="2026-12-20")
    out = cli.ok("move", str(pid), "dec 18", "--reason", "they need it sooner")
    assert out.stdout == (
        f"Moved #{pid} Send the proposal for acme — due Fri 18 Dec 17:00 (in 3 weeks) — open\n"
        f"Moved #{pid} earlier by 2 days: it was due Sun 20 Dec 17:00.\n"
    )
    later = cli.ok("move", str(pid), "+1w", "--reason", "they need it later after all")
    assert "earlier" not in later.stdout


# --- "A deadline on a Sunday is accepted without a word" ------------------------------------


def test_a_deadline_typed_on_a_weekend_or_holiday_is_accepted_with_one_line(cli):
    cli.ok("client", "add", "acme")
    out = cli.ok("promise", "Draft", "--to", "acme", "--due", "sun")
    assert out.stderr == "Note: Sun 29 Nov 2026 is a Sunday, not a working day; the deadline stands as given.\n"
    cli.ok("client", "terms", "globex", "--holidays", "DE")
    out = cli.ok("promise", "Card", "--to", "globex", "--due", "2026-12-25 12:00")
    assert out.stderr == (
        "Note: Fri 25 Dec 2026 is a public holiday in DE (Christmas Day); the deadline stands as given.\n"
    )
    out = cli.ok("move", "1", "2026-12-06", "--reason", "later")
    assert out.stderr == "Note: Sun 6 Dec 2026 is a Sunday, not a working day; the deadline stands as given.\n"


def test_relative_and_working_day_forms_earn_no_note(cli):
    cli.ok("client", "add", "acme")
    for due in ("fri", "3d", "+2bd", "eow", "next week", "fri midnight"):
        assert cli.ok("promise", "Draft", "--to", "acme", "--due", due).stderr == "", due


# --- "A delivery at 17:00:30 for a 17:00 deadline is late with a slip of 0 h" ---------------


def test_seconds_are_dropped_from_a_delivery_time(cli):
    pid = cli.promise(due="fri 17:00")
    done = cli.json("done", str(pid), "--at", "2026-11-27T17:00:30+01:00", now="2026-11-27T18:00+01:00")
    assert done[0]["delivered_at"] == "2026-11-27T17:00:00+01:00"
    assert done[0]["outcome"] == "kept"


def test_seconds_are_dropped_from_now(cli):
    pid = cli.promise(due="fri 17:00")
    done = cli.json("done", str(pid), now="2026-11-27T17:00:30+01:00")
    assert (done[0]["delivered_at"], done[0]["outcome"]) == ("2026-11-27T17:00:00+01:00", "kept")


# --- "Refused although people type them" -----------------------------------------------------


@pytest.mark.parametrize(
    "due, expected",
    [
        ("midnight", "2026-11-26T00:00:00+01:00"),  # the end of today
        ("fri midnight", "2026-11-28T00:00:00+01:00"),  # the night from Friday to Saturday
        ("next week", "2026-11-30T17:00:00+01:00"),  # its first working day
        ("next month", "2026-12-01T17:00:00+01:00"),
        ("in a week", "2026-12-02T17:00:00+01:00"),
        ("1.5h", "2026-11-25T11:30:00+01:00"),
        ("eow 12:00", "2026-11-27T12:00:00+01:00"),
        ("the 6th", "2026-12-06T17:00:00+01:00"),
        ("Fri 27 Nov 17:00", "2026-11-27T17:00:00+01:00"),  # the tool's own display
        ("Sat 6 Nov 2027 09:30", "2027-11-06T09:30:00+01:00"),
        ("next fri", "2026-12-04T17:00:00+01:00"),
    ],
)
def test_forms_people_type_are_read(cli, due, expected):
    assert cli.json("promise", "Draft", "--to", "acme", "--due", due)["due"] == expected


def test_last_friday_and_days_ago_in_a_delivery(cli):
    pid = cli.promise(due="next week", now="2026-11-16T10:00+01:00")
    done = cli.json("done", str(pid), "--at", "last fri")
    assert done[0]["delivered_at"] == "2026-11-20T17:00:00+01:00"
    other = cli.promise(due="next week", now="2026-11-16T10:00+01:00")
    assert cli.json("done", str(other), "--at", "2 days ago")[0]["delivered_at"] == "2026-11-23T17:00:00+01:00"


def test_slashed_dates_follow_the_date_order(cli):
    out = cli("promise", "Draft", "--to", "acme", "--due", "03/12/2026")
    assert out.exit_code == 2
    assert out.stderr == (
        "expect: '03/12/2026' is ambiguous (day or month first?); write 2026-12-03, or set "
        'date_order = "DMY" (or "MDY", "YMD") in the config\n'
    )
    berlin(cli.config, 'date_order = "DMY"')
    assert cli.json("promise", "Draft", "--to", "acme", "--due", "03/12/2026")["due"] == "2026-12-03T17:00:00+01:00"
    berlin(cli.config, 'date_order = "mdy"')
    assert cli.json("promise", "Draft", "--to", "acme", "--due", "03/12/2027")["due"] == "2027-03-12T17:00:00+01:00"
    assert cli.json("promise", "Draft", "--to", "acme", "--due", "12/3")["due"] == "2026-12-03T17:00:00+01:00"


def test_years_outside_1970_to_2199_are_refused(cli):
    for due in ("2200-01-01", "dec 3 2300"):
        out = cli("promise", "Draft", "--to", "acme", "--due", due)
        assert out.exit_code == 2
        assert out.stderr == f"expect: '{due}' is outside the dates this tool accepts (years 1970 to 2199)\n"
    assert cli.json("list") == []


def test_unreadable_dates_name_the_accepted_forms(cli):
    out = cli("promise", "Draft", "--to", "acme", "--due", "someday")
    assert out.exit_code == 2
    assert out.stderr.startswith("expect: can't read 'someday' as a date or time; try 2026-12-03, ")
    assert "'next week'" in out.stderr and "'Fri 6 Nov 17:00'" in out.stderr
    assert len(out.stderr.splitlines()) == 1
    assert cli.json("list") == []


# --- "`done --at "fri 16:30"` typed on a Saturday is read as next Friday" --------------------


def test_a_delivery_time_is_in_the_past_by_nature(cli):
    pid = cli.promise(due="fri 17:00")
    done = cli.json("done", str(pid), "--at", "fri 16:30", now=SATURDAY)
    assert (done[0]["delivered_at"], done[0]["outcome"]) == ("2026-11-27T16:30:00+01:00", "kept")


def test_an_inbound_request_time_is_in_the_past_by_nature(cli):
    reply = cli.json("inbound", "acme", "Question about the invoice", "--at", "fri 16:00", now=SATURDAY)
    assert reply["promised_at"] == "2026-11-27T16:00:00+01:00"
    assert reply["due"] == "2026-11-30T16:00:00+01:00"  # 1bd of working time, over the weekend
