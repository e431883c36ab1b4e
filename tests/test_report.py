"""The report, through the command line, on a ledger whose every outcome is known."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime
from pathlib import Path

import pytest

from conftest import NOW, ON_POSTGRES, built

SNAPSHOTS = Path(__file__).parent / "snapshots"


def at(day: int, clock: str = "09:00", month: int = 11) -> str:
    return f"2026-{month:02d}-{day:02d} {clock}"


@pytest.fixture
def history(cli):
    """Last week (Mon 16 – Sun 22 Nov 2026) and this week, as of Wed 25 Nov 10:00 Berlin."""
    return built(cli, type_history)


def type_history(cli):

    def promise(title, client, due, made=at(16)):
        return cli.promise(title, to=client, due=due, now=made)

    a = promise("A", "acme", at(17, "17:00"))
    cli.ok("done", str(a), now=at(17, "12:00"))  # kept
    b = promise("B", "acme", at(18, "17:00"))
    cli.ok("move", str(b), at(20, "17:00"), "--reason", "scope grew", now=at(18, "10:00"))
    cli.ok("done", str(b), now=at(20, "16:00"))  # renegotiated
    c = promise("C", "globex", at(19, "17:00"))
    cli.ok("done", str(c), now=at(20, "11:00"))  # late by 18 h
    promise("D", "globex", at(21, "12:00"))  # missed: 94 h overdue as of now
    e = promise("E", "initech", at(22, "17:00"))
    cli.ok("release", str(e), "--reason", "budget cut", now=at(19, "10:00"))  # released
    f = promise("F", "acme", at(18, "17:00"))
    cli.ok("move", str(f), at(27, "17:00"), "--reason", "forgot to ask", now=at(19, "09:00"))  # missed, late move
    promise("G", "acme", at(27, "17:00"), made=at(23))  # open, this week
    h = promise("H", "globex", at(23, "00:00"))  # due at the first instant of this week
    cli.ok("done", str(h), now=at(22, "20:00"))
    i = promise("I", "globex", at(22, "23:59"))  # due in the last minute of last week
    cli.ok("done", str(i), now=at(22, "20:00"))
    j = promise("J", "globex", at(10, "17:00"), made=at(9))  # earlier weeks, for the trend
    cli.ok("done", str(j), now=at(10, "12:00"))
    k = promise("K", "acme", at(3, "17:00"), made=at(2))
    cli.ok("done", str(k), now=at(4, "12:00"))
    return cli


def test_last_week_totals_and_rates(history):
    report = history.json("report", "--last-week")
    assert report["period"] == {"start": "2026-11-16T00:00:00+01:00", "end": "2026-11-23T00:00:00+01:00"}
    assert report["as_of"] == "2026-11-25T10:00:00+01:00"
    assert report["client"] is None
    assert report["totals"] == {
        "kept": 2, "renegotiated": 1, "late": 1, "missed": 2, "released": 1, "open": 0,
        "kept_rate": 0.5, "on_time_rate": pytest.approx(2 / 6), "nps": None, "short_notice": 1, "early": 0,
        "asks": {"answered": 0, "answered_late": 0, "median_wait_hours": None},
    }  # fmt: skip


def test_per_client_scorecard_is_worst_first(history):
    clients = history.json("report", "--last-week")["clients"]
    assert [c["client"] for c in clients] == ["globex", "acme", "initech"]
    globex, acme, initech = clients
    assert (globex["kept"], globex["late"], globex["missed"]) == (1, 1, 1)
    assert globex["kept_rate"] == pytest.approx(1 / 3) and globex["on_time_rate"] == pytest.approx(1 / 3)
    assert (acme["kept"], acme["renegotiated"], acme["missed"]) == (1, 1, 1)
    assert acme["kept_rate"] == pytest.approx(2 / 3) and acme["on_time_rate"] == pytest.approx(1 / 3)
    assert initech["released"] == 1 and initech["kept_rate"] is None and initech["on_time_rate"] is None
    assert all(c["nps"] is None and c["last_update"] is None and c["update_overdue"] is False for c in clients)
    assert set(globex) == {"client", "kept", "renegotiated", "late", "missed", "released", "open", "kept_rate",
                           "on_time_rate", "nps", "last_update", "update_overdue", "short_notice", "early",
                           "asks"}  # fmt: skip
    assert [(c["short_notice"], c["early"]) for c in clients] == [(0, 0), (1, 0), (0, 0)]


def test_broken_promises_with_slip_from_the_break_point(history):
    broken = history.json("report", "--last-week")["broken"]
    assert broken == [
        {"id": 6, "title": "F", "client": "acme", "outcome": "missed", "due": "2026-11-18T17:00:00+01:00",
         "broken_at": "2026-11-18T17:00:00+01:00", "delivered": None, "released": None, "slip_hours": 161.0,
         "slip_minutes": 9660},
        {"id": 3, "title": "C", "client": "globex", "outcome": "late", "due": "2026-11-19T17:00:00+01:00",
         "broken_at": "2026-11-19T17:00:00+01:00", "delivered": "2026-11-20T11:00:00+01:00", "released": None,
         "slip_hours": 18.0, "slip_minutes": 1080},
        {"id": 4, "title": "D", "client": "globex", "outcome": "missed", "due": "2026-11-21T12:00:00+01:00",
         "broken_at": "2026-11-21T12:00:00+01:00", "delivered": None, "released": None, "slip_hours": 94.0,
         "slip_minutes": 5640},
    ]  # fmt: skip
    later = history.json("report", "--last-week", now="2026-11-25T12:00:00+01:00")["broken"]
    assert [b["slip_hours"] for b in later] == [163.0, 18.0, 96.0]


def test_renegotiations_in_json_with_the_notice_they_gave(history):
    assert history.json("report", "--last-week")["renegotiations"] == [
        {"id": 2, "title": "B", "client": "acme", "moved_at": "2026-11-18T10:00:00+01:00",
         "from": "2026-11-18T17:00:00+01:00", "to": "2026-11-20T17:00:00+01:00", "reason": "scope grew",
         "in_time": True, "outcome": "renegotiated", "notice_hours": 7.0, "short_notice": True},
        {"id": 6, "title": "F", "client": "acme", "moved_at": "2026-11-19T09:00:00+01:00",
         "from": "2026-11-18T17:00:00+01:00", "to": "2026-11-27T17:00:00+01:00", "reason": "forgot to ask",
         "in_time": False, "outcome": "missed", "notice_hours": None, "short_notice": False},
    ]  # fmt: skip
    assert history.json("report")["renegotiations"] == []  # this week: no promise reckoned in it was moved


def test_trend_in_json_is_the_previous_periods_oldest_first(history):
    trend = history.json("report", "--last-week")["trend"]
    assert [point["period"]["start"] for point in trend] == [
        "2026-09-21T00:00:00+02:00", "2026-09-28T00:00:00+02:00", "2026-10-05T00:00:00+02:00",
        "2026-10-12T00:00:00+02:00", "2026-10-19T00:00:00+02:00", "2026-10-26T00:00:00+01:00",
        "2026-11-02T00:00:00+01:00", "2026-11-09T00:00:00+01:00",
    ]  # fmt: skip
    assert trend[4]["period"] == {"start": "2026-10-19T00:00:00+02:00", "end": "2026-10-26T00:00:00+01:00"}
    empty = {"kept": 0, "renegotiated": 0, "late": 0, "missed": 0, "released": 0, "open": 0, "kept_rate": None,
             "on_time_rate": None}  # fmt: skip
    assert all({k: v for k, v in point.items() if k not in ("period", "label")} == empty for point in trend[:6])
    assert trend[6] == {
        "period": {"start": "2026-11-02T00:00:00+01:00", "end": "2026-11-09T00:00:00+01:00"},
        "label": "Mon 2 Nov",
        **empty,
        "late": 1,
        "kept_rate": 0.0,
        "on_time_rate": 0.0,
    }  # K, broken Tue 3 Nov
    assert trend[7] == {
        "period": {"start": "2026-11-09T00:00:00+01:00", "end": "2026-11-16T00:00:00+01:00"},
        "label": "Mon 9 Nov",
        **empty,
        "kept": 1,
        "kept_rate": 1.0,
        "on_time_rate": 1.0,
    }  # J, kept Tue 10 Nov
    this_week = history.json("report")["trend"]
    assert this_week[-1]["period"]["start"] == "2026-11-16T00:00:00+01:00"
    assert this_week[-1]["kept_rate"] == 0.5  # the trend of this week ends with last week's rate


def test_owed_updates_nps_and_the_client_in_json(history):
    history.ok("client", "terms", "acme", "--update-every", "1w", now=at(16))
    history.ok("feedback", "acme", "10", now=at(20))
    history.ok("feedback", "globex", "3", now=at(20))
    report = history.json("report", "--last-week")
    assert report["updates_owed"] == [
        {"client": "acme", "every": "1w", "last_update": None, "due": "2026-11-23T09:00:00+01:00"},
    ]  # fmt: skip
    assert report["totals"]["nps"] == 0  # one promoter, one detractor
    by_client = {c["client"]: c for c in report["clients"]}
    assert (by_client["acme"]["nps"], by_client["acme"]["update_overdue"]) == (100, True)
    assert (by_client["globex"]["nps"], by_client["globex"]["update_overdue"]) == (-100, False)
    history.ok("brief", "acme", "--sent", now=at(24))
    after = history.json("report", "--last-week")
    assert after["updates_owed"] == [] and after["clients"][1]["client"] == "acme"
    assert after["clients"][1]["last_update"] is None  # sent after last week's end
    this_week = {c["client"]: c for c in history.json("report", "--week")["clients"]}
    assert this_week["acme"]["last_update"] == "2026-11-24T09:00:00+01:00"
    assert after["clients"][1]["update_overdue"] is False
    narrowed = history.json("report", "--last-week", "--client", "globex")
    assert narrowed["client"] == "globex" and narrowed["updates_owed"] == []


def test_a_late_release_is_broken_with_its_release_time(cli):
    late = cli.promise("Dropped", to="acme", due="2026-11-17 12:00", now="2026-11-16 09:00")
    cli.ok("release", str(late), "--reason", "no longer needed", now="2026-11-18 12:00")
    [broken] = cli.json("report", "--last-week")["broken"]
    assert (broken["outcome"], broken["delivered"], broken["released"], broken["slip_hours"]) == (
        "missed", None, "2026-11-18T12:00:00+01:00", 24.0)  # fmt: skip


def test_this_week_is_the_default_and_holds_the_week_edges(history):
    report = history.json("report")
    assert report == history.json("report", "--week")
    assert report["period"]["start"] == "2026-11-23T00:00:00+01:00"
    assert report["totals"]["kept"] == 1 and report["totals"]["open"] == 1
    assert report["totals"]["kept_rate"] == 1.0 and report["totals"]["on_time_rate"] == 1.0
    assert report["broken"] == []


def test_client_narrows_the_report(history):
    report = history.json("report", "--last-week", "--client", "acme")
    assert [c["client"] for c in report["clients"]] == ["acme"]
    assert report["totals"]["kept"] == 1 and report["totals"]["missed"] == 1
    assert [b["id"] for b in report["broken"]] == [6]
    out = history("report", "--client", "nobody")
    assert out.exit_code == 2 and "no client nobody" in out.stderr


def test_month_edges_and_last_month(cli):
    cli.promise("Last minute of November", due="2026-11-30 23:59")
    cli.promise("First minute of December", due="2026-12-01 00:00")
    november = cli.json("report", "--month")
    assert november["period"] == {"start": "2026-11-01T00:00:00+01:00", "end": "2026-12-01T00:00:00+01:00"}
    assert november["totals"]["open"] == 1
    december = cli.json("report", "--month", now="2026-12-01T00:00:00+01:00")
    assert december["totals"]["open"] == 1 and december["totals"]["missed"] == 0
    october = cli.json("report", "--last-month")
    assert october["period"] == {"start": "2026-10-01T00:00:00+02:00", "end": "2026-11-01T00:00:00+01:00"}


def test_a_dst_week_is_169_hours_and_keeps_local_midnights(cli):
    made = "2026-10-19T09:00:00+02:00"
    cli.promise("Sunday night after the change", due="2026-10-25 23:30", now=made)
    cli.promise("Monday midnight", due="2026-10-26 00:00", now=made)
    report = cli.json("report", "--week", now="2026-10-25T12:00:00+01:00")
    assert report["period"] == {"start": "2026-10-19T00:00:00+02:00", "end": "2026-10-26T00:00:00+01:00"}
    assert report["totals"]["open"] == 1


def test_a_custom_first_weekday(cli):
    cli.config.write_text('timezone = "Europe/Berlin"\nweek_start = "sunday"\n')
    cli.promise("Sunday", due="2026-11-22 10:00", now="2026-11-20 09:00")
    report = cli.json("report")
    assert report["period"] == {"start": "2026-11-22T00:00:00+01:00", "end": "2026-11-29T00:00:00+01:00"}
    assert report["totals"]["missed"] == 1


def test_since_until_take_whole_days_and_any_date_form(history):
    custom = history.json("report", "--since", "nov 16", "--until", "2026-11-22")
    assert custom["period"] == {"start": "2026-11-16T00:00:00+01:00", "end": "2026-11-23T00:00:00+01:00"}
    assert custom["totals"] == history.json("report", "--last-week")["totals"]
    exact = history.json("report", "--since", "2026-11-22 20:00", "--until", "2026-11-23 00:00")
    assert exact["totals"]["kept"] == 1  # I, due 23:59
    to_now = history.json("report", "--since", "monday")
    assert to_now["period"]["end"] == "2026-11-25T10:00:00+01:00"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--week", "--month"], "choose one period, not --week and --month"),
        (["--until", "fri"], "--until needs --since"),
        (["--since", "nov 20", "--until", "nov 10"], "--until must be later than --since"),
        (["--since", "the dawn of time"], "can't read 'the dawn of time'"),
        (["--format", "pdf"], "unknown format 'pdf'"),
    ],
)
def test_bad_report_options_are_refused(cli, args, message):
    out = cli("report", *args)
    assert out.exit_code == 2 and message in out.stderr and out.stderr.count("\n") == 1


def test_csv_has_a_row_per_client_and_a_total(history):
    out = history.ok("report", "--last-week", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["client"] for r in rows] == ["globex", "acme", "initech", "(total)"]
    assert rows[-1]["kept"] == "2" and rows[-1]["kept_rate"] == "0.5000"
    assert rows[2]["kept_rate"] == "" and rows[0]["on_time_rate"] == "0.3333"


def test_json_format_equals_the_json_flag(history):
    assert history.ok("report", "--format", "json").json() == history.json("report")


def test_renegotiations_and_trend_in_the_table(history):
    out = history.ok("report", "--last-week").stdout
    assert "scope grew" in out and "forgot to ask (after the deadline)" in out
    this_week = history.ok("report").stdout
    assert "Kept rate, previous 8 weeks" in this_week
    last_line = [line for line in this_week.splitlines() if line.startswith("Mon 16 Nov")][0]
    assert last_line.rstrip().endswith("50%") and "██████████" in last_line
    earlier = {line.split("  ")[0]: line.rstrip() for line in this_week.splitlines() if line.startswith("Mon ")}
    assert earlier["Mon 9 Nov"].endswith("100%") and "█" * 20 in earlier["Mon 9 Nov"]
    assert earlier["Mon 2 Nov"].endswith("0%") and "█" not in earlier["Mon 2 Nov"]
    assert earlier["Mon 26 Oct"].endswith("—")


def test_empty_ledger_and_empty_period_get_a_friendly_line(cli):
    assert "The ledger is empty" in cli.ok("report").stdout
    cli.promise(due="dec 10")
    out = cli.ok("report", "--last-week").stdout
    assert "No promises fall in the week of Mon 16 Nov 2026." in out
    assert "No promises fall in" in cli.ok("report", "--last-week", "--format", "markdown").stdout
    empty = cli.json("report", "--last-week")
    assert empty["totals"]["kept_rate"] is None and empty["clients"] == [] and empty["broken"] == []


@pytest.mark.parametrize("fmt, name", [("table", "report-table.txt"), ("markdown", "report.md")])
def test_snapshot(history, fmt, name):
    out = history.ok("report", "--last-week", "--format", fmt).stdout
    snapshot = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":  # regenerate, then review the diff and commit it
        snapshot.write_text(out)
    assert snapshot.exists(), f"no snapshot {name}; run with UPDATE_SNAPSHOTS=1, review it, commit it"
    assert out == snapshot.read_text()


def test_the_table_shows_25_broken_promises_and_counts_the_rest(cli):
    for n in range(30):
        cli.promise(f"Late {n}", due="2026-11-17 12:00", now="2026-11-16 09:00")
    out = cli.ok("report", "--last-week").stdout
    assert "Late 24" in out and "Late 25" not in out
    assert "… and 5 more broken promises" in out
    assert len(cli.json("report", "--last-week")["broken"]) == 30
    assert "Late 29" in cli.ok("report", "--last-week", "--format", "markdown").stdout


def test_a_report_is_read_in_one_read_transaction(history):
    """Counts, broken promises, renegotiations, trend, feedback, last and owed updates: one
    snapshot, so a report taken while others write never mixes two states of the ledger."""
    from expectcli.core import periods, report
    from expectcli.core.config import Settings
    from expectcli.core.ledger import open_ledger

    history.ok("client", "terms", "acme", "--update-every", "1w", now=at(16))
    now = int(datetime.fromisoformat(NOW).timestamp())
    ledger = open_ledger(history.location, now)
    opened = []
    real_read, real_write = ledger.store.read, ledger.store.write
    ledger.store.read = lambda: opened.append("read") or real_read()
    ledger.store.write = lambda: opened.append("write") or real_write()
    try:
        settings = Settings(timezone="Europe/Berlin")
        built = report.build(ledger, periods.previous(periods.week_of(now, settings), settings), settings)
    finally:
        ledger.store.close()
    assert opened == ["read"]
    assert [s.client for s in built.updates_owed] == ["acme"] and built.renegotiations and built.trend


def test_a_ledger_whose_promises_were_all_undone_is_empty(cli):
    cli.promise()
    cli.ok("undo")
    assert "The ledger is empty" in cli.ok("report").stdout


def test_an_empty_period_for_one_client_names_the_client(cli):
    cli.promise(to="acme", due="dec 10")
    assert "No promises fall in the week of Mon 16 Nov 2026 for acme." in cli.ok(
        "report", "--last-week", "--client", "acme").stdout  # fmt: skip


def test_nps_and_last_update_per_client(history):
    history.ok("feedback", "acme", "10", now=at(20, "12:00"))
    history.ok("brief", "globex", "--sent", now=at(20, "15:00"))
    clients = {c["client"]: c for c in history.json("report", "--last-week")["clients"]}
    assert clients["acme"]["nps"] == 100 and clients["globex"]["nps"] is None and clients["initech"]["nps"] is None
    assert clients["globex"]["last_update"] == "2026-11-20T15:00:00+01:00"
    assert clients["acme"]["last_update"] is None


def test_a_client_that_kept_nothing_comes_first(history):
    history.promise("Z", to="umbrella", due=at(18, "17:00"), now=at(16))  # missed: kept rate 0
    clients = [c["client"] for c in history.json("report", "--last-week")["clients"]]
    assert clients == ["umbrella", "globex", "acme", "initech"]


def test_only_clients_whose_update_is_overdue_are_owed_one(cli):
    cli.ok("client", "terms", "acme", "--update-every", "1w", now="2026-11-16T09:00:00+01:00")
    cli.promise(to="acme", due="dec 10", now="2026-11-16T09:00:00+01:00")  # owed since Mon 23 Nov
    cli.ok("client", "terms", "globex", "--update-every", "2w", now="2026-11-16T09:00:00+01:00")
    cli.promise(to="globex", due="dec 10", now="2026-11-16T09:00:00+01:00")  # not owed until 30 Nov
    assert "**Status update owed** to acme.\n" in cli.ok("report", "--format", "markdown").stdout


def test_the_trend_reaches_back_eight_whole_periods(cli):
    pid = cli.promise("Oldest", due="2026-09-30 17:00", now="2026-09-29T09:00:00+02:00")  # week of Mon 28 Sep
    cli.ok("done", str(pid), now="2026-09-30T12:00:00+02:00")
    cli.promise("This week", due="fri")
    report = cli.ok("report").stdout
    oldest = next(line.rstrip() for line in report.splitlines() if line.startswith("Mon 28 Sep"))
    assert oldest.endswith("100%")


def test_slip_is_exact_to_the_minute(cli):
    made = "2026-11-16T09:00:00+01:00"
    half = cli.promise("Half an hour late", due="2026-11-17 12:00", now=made)
    cli.ok("done", str(half), "--at", "2026-11-17 12:30")
    third = cli.promise("Twenty minutes late", due="2026-11-18 12:00", now=made)
    cli.ok("done", str(third), "--at", "2026-11-18 12:20")
    cli.promise("Long missed", due="2026-11-01 17:00", now="2026-10-30T09:00:00+01:00")
    broken = cli.json("report", "--since", "2026-10-01", "--until", "today")["broken"]
    slips = {b["title"]: (b["slip_hours"], b["slip_minutes"]) for b in broken}
    assert slips == {"Long missed": (569.0, 34140), "Half an hour late": (0.5, 30), "Twenty minutes late": (0.33, 20)}


def test_a_late_release_is_listed_as_released_not_as_undelivered(cli):
    pid = cli.promise("Cancelled too late", due="2026-11-17 12:00", now="2026-11-16T09:00:00+01:00")
    cli.ok("release", str(pid), "--reason", "client changed plans", now="2026-11-18T09:00:00+01:00")
    row = next(line for line in cli.ok("report", "--last-week").stdout.splitlines() if "Cancelled too late" in line)
    assert "released" in row and "not delivered" not in row


def test_a_report_for_one_client_leaves_out_the_others_feedback(history):
    history.ok("feedback", "acme", "10", now=at(20, "12:00"))
    history.ok("feedback", "globex", "0", now=at(20, "12:00"))
    report = history.json("report", "--last-week", "--client", "acme")
    assert [c["client"] for c in report["clients"]] == ["acme"] and report["clients"][0]["nps"] == 100
    assert "NPS 100" in history.ok("report", "--last-week", "--client", "acme", "--format", "markdown").stdout


@pytest.mark.skipif(ON_POSTGRES, reason="the plans asked of SQLite")
@pytest.mark.parametrize("client", [None, "acme"])
def test_a_periods_counts_and_trend_are_read_from_an_index_alone(history, client, monkeypatch):
    """The totals, the scorecard and the trend count every promise reckoned in their periods:
    the reckoning indexes hold every column the outcome at now reads (paused_since included,
    schema step 0010), so SQLite counts from the index without a lookup in the table."""
    import contextlib
    import sqlite3

    from expectcli.core import periods
    from expectcli.core import report as core
    from expectcli.core.config import load_settings
    from expectcli.core.ledger import open_ledger
    from expectcli.storage.store import Tx

    asked: list[tuple[str, dict]] = []
    execute = Tx.execute

    def recording(self, sql, params=None):
        asked.append((sql, dict(params or {})))
        return execute(self, sql, params)

    monkeypatch.setenv("EXPECT_CONFIG", str(history.config))
    settings = load_settings()
    now = int(datetime.fromisoformat(NOW).timestamp())
    ledger = open_ledger(history.location, now)
    try:
        monkeypatch.setattr(Tx, "execute", recording)
        built_report = core.build(ledger, periods.week_of(now - 7 * 86400, settings), settings, client)
    finally:
        monkeypatch.undo()
        ledger.store.close()
    assert built_report.trend and built_report.totals.judged == (6 if client is None else 3)
    counts = [(sql, params) for sql, params in asked if "COUNT(*)" in sql and "reckon_at" in sql]
    assert len(counts) >= 2  # the period's counts by client and the trend's
    with contextlib.closing(sqlite3.connect(history.path)) as connection:
        plans = [row[3] for sql, params in counts for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]
    on_promise = [plan for plan in plans if plan.split(" ")[1:2] == ["p"]]
    assert len(on_promise) == len(counts), plans
    assert all(plan.startswith("SEARCH p USING COVERING INDEX promise_") and "reckon" in plan for plan in on_promise), (
        plans
    )
