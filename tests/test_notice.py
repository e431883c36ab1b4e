"""Notice: the notice a client expects before a date moves (`client terms --notice`, 1bd by
default), the promises at risk in `due` (inside the client's notice window), the notice each
move gave in the report (short-notice moves), early deliveries, and `move --message`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import NOW  # Wed 25 Nov 2026 10:00 in Berlin

FRI_4PM = "2026-11-27T16:00:00+01:00"


# -- terms ---------------------------------------------------------------------------------------


def test_notice_is_one_business_day_until_agreed_and_then_what_was_agreed(cli):
    cli.ok("client", "add", "acme")
    shown = cli.json("client", "terms", "acme")
    assert (shown["notice"], shown["agreed"]) == ("1bd", [])
    assert "notice to move  1bd" in cli.ok("client", "show", "acme").stdout
    agreed = cli.json("client", "terms", "acme", "--notice", "2 business days")
    assert (agreed["notice"], agreed["agreed"]) == ("2bd", ["notice"])
    text = cli.ok("client", "show", "acme").stdout
    assert "notice to move  2bd" in text and "agreed" in text
    assert cli.json("client", "show", "acme")["terms"]["notice"] == "2bd"
    # other terms leave it alone; undo takes it back
    assert cli.json("client", "terms", "acme", "--respond-within", "4h")["notice"] == "2bd"
    cli.ok("undo")
    cli.ok("undo")
    assert cli.json("client", "terms", "acme")["notice"] == "1bd"


def test_a_bad_notice_is_refused_and_nothing_is_written(cli):
    cli.ok("client", "terms", "acme")
    before = cli.journal_size()
    out = cli("client", "terms", "acme", "--notice", "soon")
    assert out.exit_code == 2 and "duration" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert cli.journal_size() == before


def test_the_notice_travels_in_the_export_and_back(cli, tmp_path):
    from conftest import Cli, fresh_ledger

    cli.ok("client", "terms", "acme", "--notice", "3bd")
    cli.ok("client", "terms", "beta", "--respond-within", "4h")
    exported = cli.json("export", "--format", "json")
    by_handle = {c["client"]: c for c in exported["clients"]}
    assert by_handle["acme"]["terms"] == {"notice": "3bd"}
    assert "notice" not in by_handle["beta"]["terms"]  # unset terms are left out, as before
    path = tmp_path / "ledger.json"
    path.write_text(cli.ok("export", "--format", "json").stdout)
    folder = tmp_path / "copy"
    folder.mkdir()
    with fresh_ledger(folder) as location:
        copy = Cli(location, cli.config)
        copy.ok("import", str(path))
        assert copy.json("client", "terms", "acme")["notice"] == "3bd"
        again = copy.json("export", "--format", "json")
        assert {k: v for k, v in again.items() if k != "exported_at"} == {
            k: v for k, v in exported.items() if k != "exported_at"
        }


def test_an_imported_document_with_a_bad_notice_is_refused_naming_the_place(cli, tmp_path):
    cli.ok("client", "terms", "acme", "--notice", "3bd")
    text = cli.ok("export", "--format", "json").stdout.replace('"notice": "3bd"', '"notice": "soon"', 1)
    path = tmp_path / "bad.json"
    path.write_text(text)
    out = cli("import", str(path))
    assert out.exit_code == 2 and "terms.notice" in out.stderr


# -- due: at risk --------------------------------------------------------------------------------


def test_a_promise_inside_the_default_notice_window_is_at_risk(cli):
    today = cli.promise("Draft report", due="today")  # Wed 17:00: less than 1bd ahead
    cli.promise("Slides", due="tomorrow")  # Thu 17:00: more than 1bd (Thu 10:00) ahead
    counts = cli.json("due", "--count")
    assert (counts["at_risk"], counts["due"]) == (1, 1)
    assert cli.ok("due", "--count").stdout == "1 at risk, 1 due\n"
    view = cli.json("due")
    assert [p["id"] for p in view["at_risk"]] == [today] and view["notices"] == {"acme": "1bd"}
    text = cli.ok("due").stdout
    assert "At risk (inside the client's notice window) (1)" in text
    assert f"Tell acme today if #{today} will slip (it expects 1bd notice before a date moves)." in text


def test_the_window_ends_where_a_move_would_give_exactly_the_notice(cli):
    cli.ok("client", "terms", "acme", "--notice", "4h")  # working hours: Wed 10:00 + 4h = Wed 14:00
    inside = cli.promise("Inside", due="today 13:59")
    cli.promise("Exactly", due="today 14:00")
    assert [p["id"] for p in cli.json("due")["at_risk"]] == [inside]


def test_each_client_has_its_own_notice_and_calendar(cli):
    cli.ok("client", "terms", "slow", "--notice", "3bd")  # from Wed 10:00: Mon 10:00
    cli.ok("client", "terms", "quick", "--notice", "2h")  # Wed 12:00
    slow = cli.promise("Deck", to="slow", due="fri")
    cli.promise("Call", to="quick", due="today 15:00")
    cli.promise("Deck", to="acme", due="fri")
    assert [p["id"] for p in cli.json("due")["at_risk"]] == [slow]
    assert cli.json("due", "--count")["at_risk"] == 1
    text = cli.ok("due").stdout
    assert f"Tell slow today if #{slow} will slip (it expects 3bd notice" in text


def test_business_days_skip_the_weekend_and_the_clients_holidays(cli):
    cli.promise("Monday noon", due="2026-11-30 12:00")  # from Fri 16:00, 1bd ends Mon 16:00
    cli.promise("Monday 5pm", due="2026-11-30 17:00")
    assert cli.json("due", "--count", now=FRI_4PM)["at_risk"] == 1
    cli.ok("client", "terms", "berlin", "--holidays", "DE")
    cli.promise("After Christmas", to="berlin", due="2026-12-28 12:00")
    cli.promise("After Christmas", to="anywhere", due="2026-12-28 12:00")
    # From Thu 24 Dec 16:00: Fri 25 is a holiday in DE, so berlin's 1bd ends Mon 28 Dec 16:00
    at_risk = cli("due", "--json", now="2026-12-24T16:00:00+01:00").json()["at_risk"]
    assert [p["client"] for p in at_risk] == ["berlin"]


def test_the_count_and_the_view_agree_and_overdue_is_not_at_risk(cli):
    cli.promise("Past", due="2026-11-24", now="2026-11-20T10:00:00+01:00")
    cli.promise("Soon", due="today 12:00")
    cli.promise("Later", due="next week")
    counts = cli("due", "--count", "--json").json()  # exit 1: something is overdue
    view = cli("due", "--all", "--json").json()
    for section in ("overdue", "at_risk", "due"):
        assert counts[section] == len(view[section]) == view["counts"][section]
    assert (counts["overdue"], counts["at_risk"]) == (1, 1)


@pytest.mark.parametrize("program", ["fast", "full"])
def test_the_prompts_count_sees_the_notice_without_heavy_imports(cli, program):
    from test_imports import HEAVY, run_with_importtime

    cli.promise("Soon", due="today 12:00")
    cli.ok("client", "terms", "beta", "--notice", "3bd", "--hours", "08:00-16:00")
    cli.promise("Deck", to="beta", due="fri")
    if cli.location.startswith("postgresql"):
        pytest.skip("the prompt's import budget is for a SQLite ledger")
    entry = ["-c", "from expectcli.cli.fast import main; main()"] if program == "fast" else ["-m", "expectcli"]
    out, names = run_with_importtime(entry, {**cli.env(), "NO_COLOR": "1"})
    assert out.stdout == "2 at risk\n", out.stderr[-500:]
    assert {name.partition(".")[0] for name in names} & HEAVY == set()


def test_nothing_is_at_risk_once_delivered(cli):
    pid = cli.promise("Soon", due="today 12:00")
    cli.ok("done", str(pid))
    assert cli.json("due", "--count")["at_risk"] == 0
    assert NOW  # the suite's clock


# -- move --message, and the move's answer -----------------------------------------------------


def test_move_message_is_a_note_for_the_client_with_old_date_new_date_and_reason(cli):
    cli.ok("client", "add", "acme", "--name", "Acme")
    pid = cli.promise("Draft report", due="fri", tag="internal")
    cli.ok("note", str(pid), "they never read the appendix")
    out = cli.ok("move", str(pid), "tue", "--reason", "waiting on the data export", "--message").stdout
    lines = out.splitlines()
    assert lines[0].startswith(f"Moved #{pid} Draft report for acme — due Tue 1 Dec 17:00")
    assert lines[-1] == (
        'Hi Acme — a change of date for "Draft report": it was due Fri 27 Nov 17:00 and will now come'
        " Tue 1 Dec 17:00. Reason: waiting on the data export."
    )
    assert "appendix" not in out and "internal" not in lines[-1]
    moved = cli.json("move", str(pid), "2026-12-02", "--reason", "Holidays?", "--message")
    assert moved["id"] == pid and moved["due"] == "2026-12-02T17:00:00+01:00"
    assert moved["message"].endswith("it was due Tue 1 Dec 17:00 and will now come Wed 2 Dec 17:00. Reason: Holidays?")
    assert "message" not in cli.json("move", str(pid), "2026-12-03", "--reason", "again")


def test_move_message_uses_the_clients_clock_and_prints_its_text_literally(cli):
    cli.ok("client", "terms", "nyc", "--timezone", "America/New_York")
    pid = cli.promise("[b]Deck[/b]", to="nyc", due="fri")  # Fri 17:00 Berlin is 11:00 in New York
    note = cli.json("move", str(pid), "+1d", "--reason", "a \x1b[31mred\x1b[0m day", "--message")["message"]
    assert "it was due Fri 27 Nov 11:00 and will now come Sat 28 Nov 11:00" in note
    text = cli.ok("move", str(pid), "+1d", "--reason", "a \x1b[31mred\x1b[0m day", "--message").stdout
    assert "[b]Deck[/b]" in text and "\x1b" not in text


def test_a_move_after_the_deadline_says_how_late_it_is_from_the_break_point(cli):
    pid = cli.promise("Draft report", due="today 12:00")
    out = cli.ok("move", str(pid), "fri", "--reason", "late", now="2026-11-25T14:00:00+01:00").stdout
    assert out.startswith(
        f"Moved #{pid} Draft report for acme — due Fri 27 Nov 17:00 (missed Wed 25 Nov 12:00, 2 h late)"
    )
    assert "in 2 days" not in out and out.rstrip().endswith("missed")
    on_time = cli.promise("Deck", due="fri")
    out = cli.ok("move", str(on_time), "mon", "--reason", "fine").stdout
    assert "(in 5 days) — open" in out


# -- the report: notice given, short-notice moves, early deliveries --------------------------------

FRI_27_4PM = "2026-11-27T16:00:00+01:00"
SPAN = ("--since", "2026-11-23", "--until", "2026-12-06")  # two weeks holding every due below
AFTER = "2026-12-07T10:00:00+01:00"


def test_short_notice_is_measured_in_the_clients_business_time(cli):
    cli.ok("client", "terms", "beta", "--notice", "2d")  # calendar days
    short = cli.promise("Monday noon", due="2026-11-30 12:00")
    ample = cli.promise("Monday noon", to="beta", due="2026-11-30 12:00")
    for pid in (short, ample):
        cli.ok("move", str(pid), "2026-12-03", "--reason", "data late", now=FRI_27_4PM)
        cli.ok("done", str(pid), now="2026-12-02T10:00:00+01:00")
    report = cli.json("report", *SPAN, now=AFTER)
    moves = {r["client"]: r for r in report["renegotiations"]}
    # 68 hours ahead, but 1bd from Friday 16:00 ends Monday 16:00: after the deadline it moved
    assert (moves["acme"]["notice_hours"], moves["acme"]["short_notice"]) == (68.0, True)
    assert (moves["beta"]["notice_hours"], moves["beta"]["short_notice"]) == (68.0, False)  # 2d: Sunday 16:00
    assert report["totals"]["short_notice"] == 1
    assert {c["client"]: c["short_notice"] for c in report["clients"]} == {"acme": 1, "beta": 0}
    text = cli.ok("report", *SPAN, now=AFTER).stdout
    assert "1 short-notice move" in text and "2.8 days (short notice)" in text
    markdown = cli.ok("report", *SPAN, "--format", "markdown", now=AFTER).stdout
    assert "| 2.8 days (short notice) | data late |" in markdown
    page = cli.ok("report", *SPAN, "--format", "html", now=AFTER).stdout
    assert "<td>2.8 days (short notice)</td><td>data late</td>" in page
    assert "<dt>Short-notice moves</dt><dd>1</dd>" in page
    rows = [row.split(",") for row in cli.ok("report", *SPAN, "--format", "csv", now=AFTER).stdout.splitlines()]
    total = dict(zip(rows[0], rows[-1]))
    assert total["client"] == "(total)" and (total["short_notice"], total["early"]) == ("1", "2")
    # both delivered a day and more ahead


def test_a_move_after_the_deadline_gave_no_notice_and_is_not_counted_short(cli):
    pid = cli.promise("Draft", due="today 12:00")
    cli.ok("move", str(pid), "fri", "--reason", "forgot", now="2026-11-25T13:00:00+01:00")
    report = cli.json("report", *SPAN, now=AFTER)
    [move] = report["renegotiations"]
    assert (move["notice_hours"], move["short_notice"], move["in_time"]) == (None, False, False)
    assert report["totals"]["short_notice"] == 0


def test_a_move_with_exactly_the_notice_agreed_is_not_short(cli):
    cli.ok("client", "terms", "acme", "--notice", "4h")
    exact = cli.promise("Exact", due="today 14:00")
    short = cli.promise("Short", due="today 13:59")
    for pid in (exact, short):
        cli.ok("move", str(pid), "fri", "--reason", "r")
    moves = cli.json("report", *SPAN, now=AFTER)["renegotiations"]
    assert {m["id"]: m["short_notice"] for m in moves} == {exact: False, short: True}


def test_early_deliveries_are_a_working_day_ahead_on_the_clients_calendar(cli):
    cli.ok("client", "terms", "berlin", "--holidays", "DE")
    christmas_eve = "2026-12-24T16:00:00+01:00"
    made = "2026-12-21T10:00:00+01:00"
    berlin = cli.promise("Report", to="berlin", due="2026-12-28 12:00", now=made)
    anywhere = cli.promise("Report", to="anywhere", due="2026-12-28 12:00", now=made)
    exact = cli.promise("Exactly a day", to="anywhere", due="2026-12-23 16:00", now=made)
    close = cli.promise("Not quite", to="anywhere", due="2026-12-23 15:59", now=made)
    cli.ok("done", str(exact), str(close), now="2026-12-22T16:00:00+01:00")
    cli.ok("done", str(berlin), str(anywhere), now=christmas_eve)
    span = ("--since", "2026-12-21", "--until", "2026-12-31")
    report = cli.json("report", *span, now="2027-01-04T10:00:00+01:00")
    # Fri 25 Dec is a holiday in DE: berlin's working day from Thu 16:00 ends Mon 28 Dec 16:00
    assert [(e["id"], e["client"]) for e in report["early"]] == [(exact, "anywhere"), (anywhere, "anywhere")]
    assert report["early"][0]["ahead_hours"] == 24.0
    assert report["totals"]["early"] == 2
    assert {c["client"]: c["early"] for c in report["clients"]} == {"anywhere": 2, "berlin": 0}
    text = cli.ok("report", *span, now="2027-01-04T10:00:00+01:00").stdout
    assert "Early deliveries" in text and "2 early deliveries" in text
    markdown = cli.ok("report", *span, "--format", "markdown", now="2027-01-04T10:00:00+01:00").stdout
    assert "### Early deliveries" in markdown and "| 1 day |" not in markdown
    page = cli.ok("report", *span, "--format", "html", now="2027-01-04T10:00:00+01:00").stdout
    assert "<h2>Early deliveries</h2>" in page and "<dt>Early deliveries</dt><dd>2</dd>" in page
    early = page.split("<h2>Early deliveries</h2>")[1].split("</section>")[0]
    assert "Exactly a day" in early and "Not quite" not in early


def test_a_late_delivery_is_never_early(cli):
    pid = cli.promise("Draft", due="today 12:00")
    cli.ok("move", str(pid), "next fri", "--reason", "forgot", now="2026-11-25T13:00:00+01:00")
    cli.ok("done", str(pid), now="2026-11-26T10:00:00+01:00")  # a week before the new date, but broken
    assert cli.json("report", *SPAN, now=AFTER)["early"] == []


def test_a_move_recorded_after_the_delivery_is_left_out_of_the_report_and_the_brief(cli):
    pid = cli.promise("Slides", due="fri")
    heeded = cli.promise("Deck", due="fri")
    cli.ok("move", str(heeded), "next mon", "--reason", "agreed", now="2026-11-26T09:00:00+01:00")
    cli.ok("move", str(pid), "next mon", "--reason", "typed too late", now="2026-11-26T12:00:00+01:00")
    cli.ok("done", str(pid), "--at", "2026-11-26 10:00", now="2026-11-26T13:00:00+01:00")
    assert cli.json("show", str(pid))["outcome"] == "kept"
    moves = cli.json("report", *SPAN, now=AFTER)["renegotiations"]
    assert [m["id"] for m in moves] == [heeded]
    brief = cli.json("brief", "acme", now="2026-11-26T14:00:00+01:00")
    assert [m["id"] for m in brief["moved"]] == [heeded]
    assert "typed too late" not in cli.ok("brief", "acme", now="2026-11-26T14:00:00+01:00").stdout


# -- one working day, for many deliveries ----------------------------------------------------------


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    start=st.integers(min_value=1_767_225_600, max_value=1_830_297_600).map(lambda s: s - s % 60),  # 2026–2027
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]),
    hours=st.sampled_from(["09:00-17:00", "08:30-16:30", "00:00-23:59", "22:00-23:00", "01:30-03:30"]),
    holidays=st.sampled_from([None, "DE", "US"]),
)
def test_one_working_day_is_what_business_time_says(start, zone, hours, holidays):
    from datetime import UTC, datetime

    from expectcli.core import clients, notice
    from expectcli.core.businesstime import after
    from expectcli.core.config import Settings

    settings = Settings(timezone=zone)
    agreed = {"work_hours": hours, "timezone": zone, "holidays": holidays or "none"}
    terms = clients.terms_from({key: agreed.get(key) for key in clients.TERMS}, settings)
    walked = after(datetime.fromtimestamp(start, UTC), notice.ONE_WORKING_DAY, clients.working_time(terms, settings))
    assert notice.OneWorkingDay(terms, settings).end(start) == int(walked.timestamp())
