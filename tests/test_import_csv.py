"""CSV both ways: every outcome survives a round trip, rows are checked against their
`outcome`, and what spreadsheets write (other delimiters, byte-order marks, empty rows,
slashed dates) is read."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import Cli, fresh_ledger

MADE = "2026-11-16T09:00:00+01:00"


@pytest.fixture
def other(tmp_path, config_file):
    folder = tmp_path / "other"
    folder.mkdir()
    with fresh_ledger(folder) as location:
        yield Cli(location, config_file)


@pytest.fixture
def every_outcome(cli):
    """One promise for each way a promise ends up."""

    def promise(title, due):
        return str(cli.promise(title, due=due, now=MADE))

    kept = promise("Kept", "2026-11-20")
    cli.ok("done", kept, now="2026-11-19T10:00:00+01:00")
    renegotiated = promise("Renegotiated", "2026-11-20")
    cli.ok("move", renegotiated, "2026-11-23", "--reason", "figures late", now="2026-11-18T10:00:00+01:00")
    cli.ok("done", renegotiated, now="2026-11-23T16:00:00+01:00")
    late = promise("Late delivery", "2026-11-18")
    cli.ok("done", late, now="2026-11-19T10:00:00+01:00")
    moved_late = promise("Moved after its deadline", "2026-11-17")
    cli.ok("move", moved_late, "2026-11-22", "--reason", "oops", now="2026-11-18T10:00:00+01:00")
    cli.ok("done", moved_late, now="2026-11-21T10:00:00+01:00")
    released_late = promise("Released after its deadline", "2026-11-17")
    cli.ok("release", released_late, "--reason", "no", now="2026-11-18T10:00:00+01:00")
    promise("Missed", "2026-11-20")
    still_open_but_broken = promise("Moved late, still open", "2026-11-17")
    cli.ok("move", still_open_but_broken, "2026-12-05", "--reason", "late", now="2026-11-18T10:00:00+01:00")
    released = promise("Released", "2026-11-30")
    cli.ok("release", released, "--reason", "not needed", now="2026-11-20T10:00:00+01:00")
    promise("Open", "2026-12-01")
    return cli


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_round_trip_keeps_every_outcome(every_outcome, other, tmp_path):
    exported = every_outcome.ok("export", "--format", "csv").stdout
    outcomes = {row["title"]: row["outcome"] for row in rows(exported)}
    assert sorted(outcomes.values()) == sorted(
        ["kept", "renegotiated", "late", "late", "missed", "missed", "missed", "released", "open"]
    )
    path = tmp_path / "promises.csv"
    path.write_text(exported)
    assert other.ok("import", str(path)).stdout == "Added 9 promises, skipped 0 already in the ledger.\n"
    fields = ("title", "client", "promised_at", "first_due", "due", "delivered_at", "released_at", "outcome")
    mine = sorted(tuple(p[k] for k in fields) for p in every_outcome.json("list", "--all"))
    theirs = sorted(tuple(p[k] for k in fields) for p in other.json("list", "--all"))
    assert mine == theirs
    assert rows(other.ok("export", "--format", "csv").stdout) == rows(exported)
    assert other.json("report", "--last-week")["totals"] == every_outcome.json("report", "--last-week")["totals"]
    assert other.ok("import", str(path)).stdout == "Added 0 promises, skipped 9 already in the ledger.\n"
    assert every_outcome.ok("import", str(path)).stdout == "Added 0 promises, skipped 9 already in the ledger.\n"


@pytest.mark.parametrize(
    "row, says",
    [
        ("Kept,acme,2026-11-20,,2026-11-19T10:00+01:00,late", "the outcome says late but its dates give kept"),
        (
            "Moved,acme,2026-11-23,2026-11-20,2026-11-24T10:00+01:00,renegotiated",
            "the outcome says renegotiated but its dates give late",
        ),  # fmt: skip
        ("Open,acme,2026-12-20,,,kept", "the outcome says kept but its dates give open"),
        ("Open,acme,2026-12-20,,,done", "unknown outcome 'done'"),
    ],
)
def test_a_row_its_dates_cannot_explain_is_refused_by_line(cli, tmp_path, row, says):
    path = tmp_path / "x.csv"
    path.write_text(f"title,client,due,first_due,delivered_at,outcome\nFine,acme,2026-12-20,,,open\n\n{row}\n")
    out = cli("import", str(path))
    assert out.exit_code == 2
    assert out.stderr.startswith(f"expect: line 4: {says}")
    assert cli.journal_size() == 0


def test_an_open_row_exported_before_its_deadline_passed_is_missed_now(cli, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("title,client,due,outcome\nOld,acme,2026-11-20,open\n")
    cli.ok("import", str(path))
    assert cli.json("list", "--all")[0]["outcome"] == "missed"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_the_delimiter_and_a_byte_order_mark_are_detected(cli, tmp_path, delimiter, bom):
    lines = (
        ["title", "client", "due", "tags"],
        ["Deck, final", "acme", "2026-12-01", "a;b"],
        ["Call", "globex", "fri", ""],
    )
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(lines)
    path = tmp_path / "x.csv"
    path.write_bytes(bom + out.getvalue().encode())
    assert cli.ok("import", str(path)).stdout.startswith("Added 2 promises")
    assert sorted((p["title"], p["client"], p["tags"]) for p in cli.json("list")) == [
        ("Call", "globex", []), ("Deck, final", "acme", ["a", "b"])]  # fmt: skip


def test_a_utf16_spreadsheet_file_is_read(cli, tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes("title\tclient\tdue\nAngebot\tmüller\t2026-12-01\n".encode("utf-16"))
    assert cli.ok("import", str(path), "--from", "csv").stdout.startswith("Added 1 promise,")
    assert cli.json("list")[0]["client"] == "müller"


def test_empty_rows_are_skipped_and_lines_still_counted(cli, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("\ntitle,client,due\n,,\n\nA,acme,2026-12-01\n;;\n , ,\nB,acme,someday\n,,\n")
    out = cli("import", str(path))
    assert out.exit_code == 2 and "expect: line 8: can't read 'someday'" in out.stderr
    path.write_text("\ntitle,client,due\n,,\n\nA,acme,2026-12-01\n , ,\nB,acme,2026-12-02\n,,\n")
    assert cli.ok("import", str(path)).stdout.startswith("Added 2 promises")


def test_slashed_dates_need_a_date_order(cli, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("title,client,due\nDeck,acme,03/12/2026\n")
    out = cli("import", str(path))
    assert out.exit_code == 2 and "is ambiguous (day or month first?); import with --date-order DMY" in out.stderr
    cli.ok("import", str(path), "--date-order", "DMY")
    assert cli.json("list")[0]["due"] == "2026-12-03T17:00:00+01:00"


def test_slashed_dates_follow_the_configured_order(cli, tmp_path):
    cli.config.write_text('timezone = "Europe/Berlin"\ndate_order = "MDY"\n')
    path = tmp_path / "x.csv"
    path.write_text("title,client,due\nDeck,acme,12/03/2026\n")
    cli.ok("import", str(path))
    assert cli.json("list")[0]["due"] == "2026-12-03T17:00:00+01:00"
    other = tmp_path / "y.csv"
    other.write_text("title,client,due\nPlan,acme,01/12/2026\n")
    cli.ok("import", str(other), "--date-order", "dmy")  # the option wins over the config
    assert cli.json("list")[0]["due"] == "2026-12-01T17:00:00+01:00"


def test_an_unknown_date_order_is_refused(cli, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("title,client,due\nDeck,acme,2026-12-03\n")
    out = cli("import", str(path), "--date-order", "DYM")
    assert out.exit_code == 2 and "use one of dmy, mdy, ymd" in out.stderr


@pytest.mark.parametrize("title", ["=1+1", "+SUM(A1)", "-2", "@cmd", "'=x", "''=y", "'plain", "\tTab"])
def test_formula_guards_are_read_back(cli, other, tmp_path, title):
    cli.ok("promise", "--to", "acme", "--due", "fri", "--", title)
    path = tmp_path / "x.csv"
    path.write_text(cli.ok("export", "--format", "csv").stdout)
    other.ok("import", str(path))
    assert other.json("list")[0]["title"] == title.strip()


@pytest.mark.parametrize("due", ["2200-01-01", "1969-12-31", "31/12/9999"])
def test_dates_outside_the_supported_years_are_refused(cli, tmp_path, due):
    path = tmp_path / "x.csv"
    path.write_text(f"title,client,due\nDeck,acme,{due}\n")
    out = cli("import", str(path), "--date-order", "dmy")
    assert out.exit_code == 2 and "line 2:" in out.stderr
    assert cli.journal_size() == 0


def test_control_characters_are_kept_and_shown_escaped_as_typed_text_is(cli, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('title,client,due\n"Deck \x1b[31mred\u202e",acme,2026-12-01\n')
    cli.ok("import", str(path))
    typed = cli.promise("Deck \x1b[31mred\u202e", due="2026-12-02")
    assert cli.json("list")[0]["title"] == cli.json("show", str(typed))["title"]
    shown = cli.ok("list").stdout
    assert "\x1b" not in shown and "\u202e" not in shown and "\\x1b[31m" in shown
