"""The report's edges that the scenario tests leave alone: the version sent to a client, an
"as of" moment before a break point, a client's short working day, the rows a terminal asks for.

Each test here was written against a surviving mutant of `core/report.py` (docs/testing.md).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from conftest import NOW, Cli

MONDAY = "2026-11-16T09:00:00+01:00"  # the first day of last week, as of NOW (Wed 25 Nov)


def _cadence_client(cli: Cli) -> None:
    """acme: a weekly update cadence, one update sent on Tue 17 Nov and none since, work in
    hand (so an update is owed now), one promise kept last week and one feedback score."""
    cli.ok("client", "add", "acme", now=MONDAY)
    cli.ok("client", "terms", "acme", "--update-every", "1w", now=MONDAY)
    pid = cli.promise("Kick-off deck", to="acme", due="2026-11-18 17:00", now=MONDAY)
    cli.ok("done", str(pid), now="2026-11-18T12:00:00+01:00")
    cli.promise("Workshop", to="acme", due="2026-12-02 17:00", now=MONDAY)
    cli.ok("brief", "acme", "--sent", now="2026-11-17T10:00:00+01:00")
    cli.ok("feedback", "acme", "9", now="2026-11-18T12:00:00+01:00")


def test_the_report_for_a_client_leaves_out_our_update_cadence_and_their_scores(cli):
    _cadence_client(cli)
    ours = cli.json("report", "--last-week", "--client", "acme")
    [score] = ours["clients"]
    assert (score["nps"], score["last_update"], score["update_overdue"]) == (100, "2026-11-17T10:00:00+01:00", True)
    assert [owed["client"] for owed in ours["updates_owed"]] == ["acme"]

    theirs = cli.json("report", "--last-week", "--client", "acme", "--for-client")
    [score] = theirs["clients"]
    assert score["nps"] is None and score["last_update"] is None
    assert score["update_overdue"] is False  # not null: the same type as in our own report
    assert theirs["updates_owed"] == [] and theirs["totals"]["nps"] is None
    assert theirs["totals"]["kept"] == 1 and theirs["for_client"] is True


def test_the_report_for_a_client_never_says_the_ledger_is_empty(cli):
    """Whether the rest of the ledger is empty is ours: the client's version of an empty
    period says there is nothing for them, whatever else the ledger holds or does not."""
    cli.ok("client", "add", "acme", now=MONDAY)  # a client, and not a promise in the ledger
    ours = cli.ok("report", "--last-week", "--client", "acme", "--format", "markdown").stdout
    assert "The ledger is empty" in ours
    for ledger in ("empty", "holding another client's promise"):
        theirs = cli.ok("report", "--last-week", "--client", "acme", "--for-client", "--format", "markdown").stdout
        assert "The ledger is empty" not in theirs, ledger
        assert "No promises fall in the week of Mon 16 Nov 2026 for acme." in theirs, ledger
        cli.promise("Someone else's", to="globex", due="2026-11-18 17:00", now=MONDAY)


def test_a_report_for_a_client_needs_the_client(cli):
    """`for_client` refuses a report of every client, with the words the command line uses."""
    from expectcli.core import periods, report
    from expectcli.core.config import Settings
    from expectcli.core.ledger import open_ledger
    from expectcli.errors import BadInput

    cli.promise(to="acme", due="2026-11-18 17:00", now=MONDAY)
    now = int(datetime.fromisoformat(NOW).timestamp())
    settings = Settings(timezone="Europe/Berlin")
    ledger = open_ledger(cli.location, now)
    try:
        every_client = report.build(ledger, periods.week_of(now, settings), settings)
    finally:
        ledger.store.close()
    with pytest.raises(BadInput) as refused:
        report.for_client(every_client)
    message = "--for-client needs --client: the report to send one client"
    assert str(refused.value) == message
    out = cli("report", "--for-client")
    assert out.exit_code == 2 and out.stderr.strip().endswith(message)
