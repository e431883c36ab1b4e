"""Report details through the command line: trend labels across years, the rows behind each
count, the last update up to the period's end, `--since mon --until fri` on any weekday, and
period edges over years."""

from __future__ import annotations

import csv
import io

import pytest


def period(cli, *args: str, now: str) -> tuple[str, str]:
    shown = cli.json("report", *args, now=now)["period"]
    return shown["start"], shown["end"]


def trend_lines(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(title)) + 1
    return [line.strip() for line in lines[start:] if line.strip()]


# -- 1. trend labels carry the year when the periods shown span years -----------------------


def test_week_trend_labels_carry_the_year_when_the_periods_span_years(cli):
    cli.promise(due="2026-01-06", now="2026-01-02 09:00")
    cli.promise(due="2026-01-22", now="2026-01-19 09:00")
    now = "2026-01-21 10:00"  # week of Mon 19 Jan 2026: the trend runs from 24 Nov 2025
    labels = [point["label"] for point in cli.json("report", "--week", now=now)["trend"]]
    assert labels == ["Mon 24 Nov 2025", "Mon 1 Dec 2025", "Mon 8 Dec 2025", "Mon 15 Dec 2025", "Mon 22 Dec 2025",
                      "Mon 29 Dec 2025", "Mon 5 Jan 2026", "Mon 12 Jan 2026"]  # fmt: skip
    table = trend_lines(cli.ok("report", "--week", now=now).stdout, "Kept rate, previous 8 weeks")
    markdown = trend_lines(cli.ok("report", "--week", "--format", "markdown", now=now).stdout, "### Kept rate")
    for shown in (table, markdown):
        assert [line.split("  ")[0].strip() for line in shown] == labels


def test_trend_labels_carry_the_year_when_the_report_is_in_another_year(cli):
    cli.promise(due="2026-01-06", now="2026-01-02 09:00")
    labels = [point["label"] for point in cli.json("report", "--week", now="2026-01-07 10:00")["trend"]]
    assert labels[0] == "Mon 10 Nov 2025" and labels[-1] == "Mon 29 Dec 2025"


def test_month_trend_labels_carry_the_year_only_across_years(cli):
    cli.promise(due="2026-01-06", now="2026-01-02 09:00")
    cli.promise(due="2026-11-27", now="2026-11-02 09:00")
    across = [point["label"] for point in cli.json("report", "--month", now="2026-02-10 10:00")["trend"]]
    assert across == ["Jun 2025", "Jul 2025", "Aug 2025", "Sep 2025", "Oct 2025", "Nov 2025", "Dec 2025", "Jan 2026"]
    within = [point["label"] for point in cli.json("report", "--month")["trend"]]  # November 2026
    assert within == ["Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"]
    table = trend_lines(cli.ok("report", "--month").stdout, "Kept rate, previous 8 months")
    assert [line.split()[0] for line in table] == within


def test_week_trend_labels_within_one_year_have_no_year(cli):
    cli.promise(due="fri")
    labels = [point["label"] for point in cli.json("report", "--week")["trend"]]
    assert labels[0] == "Mon 28 Sep" and labels[-1] == "Mon 16 Nov"


# -- 2. every count has its rows -----------------------------------------------------------


def test_a_renegotiated_promise_is_listed_with_all_its_moves_in_the_period_it_counts_in(cli):
    pid = cli.promise("Proposal", due="2026-11-18 17:00", now="2026-11-16 09:00")
    cli.ok("move", str(pid), "2026-11-24 17:00", "--reason", "waiting on data", now="2026-11-18 10:00")
    cli.ok("move", str(pid), "2026-11-25 09:00", "--reason", "review slot", now="2026-11-24 10:00")
    cli.ok("done", str(pid), now="2026-11-25 08:00")
    report = cli.json("report", "--week")
    assert report["totals"]["renegotiated"] == 1
    assert [(r["id"], r["reason"], r["outcome"]) for r in report["renegotiations"]] == [
        (pid, "waiting on data", "renegotiated"), (pid, "review slot", "renegotiated")]  # fmt: skip
    for fmt in ("table", "markdown"):
        out = cli.ok("report", "--week", "--format", fmt).stdout
        assert "waiting on data" in out and "review slot" in out
    last_week = cli.json("report", "--last-week")
    assert last_week["totals"]["renegotiated"] == 0 and last_week["renegotiations"] == []


def test_kept_released_and_open_promises_are_listed_under_their_counts(cli):
    kept = cli.promise("Kept one", due="2026-11-24 17:00", now="2026-11-23 09:00")
    cli.ok("done", str(kept), now="2026-11-24 12:00")
    released = cli.promise("Dropped one", to="globex", due="2026-11-27 17:00", now="2026-11-23 09:00")
    cli.ok("release", str(released), "--reason", "budget cut", now="2026-11-24 09:00")
    still = cli.promise("Open one", due="2026-11-27 17:00", now="2026-11-23 09:00")
    report = cli.json("report", "--week")
    assert [(p["id"], p["outcome"]) for p in report["promises"]] == [
        (released, "released"), (kept, "kept"), (still, "open")]  # fmt: skip
    assert report["promises"][0]["reason"] == "budget cut"
    table = cli.ok("report", "--week").stdout
    assert "\nKept" in table and "\nReleased" in table and "\nOpen" in table and "budget cut" in table
    markdown = cli.ok("report", "--week", "--format", "markdown").stdout
    for heading, title in (("### Kept", "Kept one"), ("### Released", "Dropped one"), ("### Open", "Open one")):
        section = markdown.split(heading, 1)[1].split("###", 1)[0]
        assert title in section


# -- 3. the last update up to the period's end ---------------------------------------------


@pytest.fixture
def updates(cli):
    """acme with a promise reckoned in each of four weeks and updates sent on 10, 20 and 24 Nov."""
    for due in ("2026-11-05 17:00", "2026-11-12 17:00", "2026-11-18 17:00", "2026-11-27 17:00"):
        cli.promise(due=due, now="2026-11-02 09:00")
    for sent in ("2026-11-10 09:00", "2026-11-20 09:00", "2026-11-24 09:00"):
        cli.ok("brief", "acme", "--sent", now=sent)
    return cli


@pytest.mark.parametrize(
    "args, last",
    [
        (["--last-week"], "2026-11-20T09:00:00+01:00"),  # not the one sent on the 24th, after the week
        (["--week"], "2026-11-24T09:00:00+01:00"),
        (["--since", "2026-11-09", "--until", "2026-11-15"], "2026-11-10T09:00:00+01:00"),
    ],
)
def test_last_update_is_the_last_one_sent_up_to_the_periods_end(updates, args, last):
    [acme] = updates.json("report", *args)["clients"]
    assert acme["last_update"] == last
    [row, _total] = list(csv.DictReader(io.StringIO(updates.ok("report", *args, "--format", "csv").stdout)))
    assert row["last_update"] == last


def test_last_update_in_the_table_and_markdown(updates):
    shown = "Fri 20 Nov 09:00"
    assert shown in updates.ok("report", "--last-week").stdout
    markdown = updates.ok("report", "--last-week", "--format", "markdown").stdout
    assert f"| {shown} |" in markdown and "Tue 24 Nov 09:00" not in markdown


def test_no_update_before_the_period_end_is_none(updates):
    [acme] = updates.json("report", "--since", "2026-11-02", "--until", "2026-11-08")["clients"]
    assert acme["last_update"] is None


# -- 4. --since mon --until fri on any weekday ---------------------------------------------


@pytest.mark.parametrize("day", [23, 24, 25, 26, 27, 28, 29])  # Mon 23 … Sun 29 Nov 2026
def test_since_mon_until_fri_is_this_weeks_monday_to_friday_on_any_weekday(cli, day):
    cli.promise(due="2026-11-27 17:00", now="2026-11-20 09:00")
    assert period(cli, "--since", "mon", "--until", "fri", now=f"2026-11-{day} 10:00") == (
        "2026-11-23T00:00:00+01:00", "2026-11-28T00:00:00+01:00")  # fmt: skip


def test_until_a_weekday_is_the_first_one_on_or_after_since(cli):
    cli.promise(due="fri")
    assert period(cli, "--since", "fri", "--until", "mon", now="2026-11-25 10:00") == (
        "2026-11-20T00:00:00+01:00", "2026-11-24T00:00:00+01:00")  # fmt: skip
    assert period(cli, "--since", "wed", "--until", "wed", now="2026-11-25 10:00") == (
        "2026-11-25T00:00:00+01:00", "2026-11-26T00:00:00+01:00")  # fmt: skip


def test_until_before_since_is_refused_in_one_line(cli):
    cli.promise(due="fri")
    before = cli.journal_size()
    out = cli("report", "--since", "2026-11-20", "--until", "2026-11-10")
    assert out.exit_code == 2 and out.stdout == ""
    assert out.stderr.strip().splitlines() == ["expect: --until must be later than --since"]
    assert cli.journal_size() == before


# -- 5. periods over years -----------------------------------------------------------------


def test_a_span_over_years_has_its_edges_at_local_midnight(cli):
    made = "2025-11-01 09:00"
    ids = {due: cli.promise(due=due, now=made) for due in ("2025-11-30 23:59", "2025-12-01 00:00",
                                                           "2026-02-01 23:59", "2026-02-02 00:00")}  # fmt: skip
    now = "2026-02-10 10:00"
    report = cli.json("report", "--since", "2025-12-01", "--until", "2026-02-01", now=now)
    assert (report["period"]["start"], report["period"]["end"]) == (
        "2025-12-01T00:00:00+01:00", "2026-02-02T00:00:00+01:00")  # fmt: skip
    assert sorted(p["id"] for p in report["promises"]) == [ids["2025-12-01 00:00"], ids["2026-02-01 23:59"]]
    trend = [point["period"] for point in report["trend"]]
    assert trend[-1]["end"] == report["period"]["start"]
    assert all(a["end"] == b["start"] for a, b in zip(trend, trend[1:]))
    assert all("T00:00:00" in edge for p in trend for edge in (p["start"], p["end"]))  # across summer time too
    assert trend[0]["start"] == "2024-07-15T00:00:00+02:00"  # 8 spans of 63 days before
    assert report["trend"][0]["label"] == "Mon 15 Jul 2024"


@pytest.mark.parametrize(
    "args, now, start, end",
    [
        (["--week"], "2026-01-01 10:00", "2025-12-29T00:00:00+01:00", "2026-01-05T00:00:00+01:00"),
        (["--last-week"], "2026-01-05 10:00", "2025-12-29T00:00:00+01:00", "2026-01-05T00:00:00+01:00"),
        (["--last-month"], "2026-01-15 10:00", "2025-12-01T00:00:00+01:00", "2026-01-01T00:00:00+01:00"),
        (["--since", "dec 29", "--until", "sat"], "2026-01-10 10:00", "2025-12-29T00:00:00+01:00",
         "2026-01-04T00:00:00+01:00"),
    ],
)  # fmt: skip
def test_weeks_months_and_spans_across_new_year(cli, args, now, start, end):
    cli.promise(due="2026-01-02", now="2025-12-20 09:00")
    assert period(cli, *args, now=now) == (start, end)


def test_a_terminal_lists_25_rows_of_a_section_and_counts_the_rest(cli):
    for n in range(27):
        pid = cli.promise(f"Kept {n}", due="2026-11-24 17:00", now="2026-11-23 09:00")
        cli.ok("done", str(pid), now="2026-11-24 09:00")
    table = table_section(cli.ok("report", "--week").stdout, "Kept")
    assert len(table) == 1 + 25 + 1 and table[-1].startswith("… and 2 more kept promises")
    assert len(cli.json("report", "--week")["promises"]) == 27


def table_section(text: str, title: str) -> list[str]:
    """The lines of the table titled `title`, its header first, up to the next blank line."""
    block = next(b for b in text.split("\n\n") if b.splitlines()[0].strip() == title)
    return block.splitlines()[1:]
