"""The report to send a client (`--for-client`) and the report as one HTML page (`--format html`).

The for-client report must leak nothing of the rest of the ledger: another client's handle or
titles, notes, tags, feedback, promise ids. The HTML page is parsed strictly with the standard
library: balanced tags, one inline SVG chart, no script, nothing fetched, user text escaped.
"""

from __future__ import annotations

import re
from collections import namedtuple
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import built
from expectcli.core import periods
from expectcli.core import report as core
from expectcli.core.config import Settings
from expectcli.core.report import Broken, ClientScore, Counts, Reckoned, Renegotiation, Report, TrendPoint, for_client
from expectcli.core.textsafe import printable
from expectcli.errors import BadInput
from expectcli.views import report_html

SCRIPT_TITLE = "<script>alert(1)</script>"
ACME_TITLES = ("Draft proposal", "Workshop slides", "Late report", SCRIPT_TITLE)
ACME_REASON = "scope grew: module B & 'C' added"
# Everything below is in the ledger, and none of it may reach acme's report.
SECRETS = (
    "globex", "Merger memo", "Board deck", "globex-only reason", "acme internal note", "delivery note for acme",
    "globex note", "secret-tag", "pricing-tag", "feedback note", "hush-hush",
)  # fmt: skip
FORMATS = ("table", "markdown", "json", "csv", "html")


def at(day: int, clock: str = "09:00") -> str:
    return f"2026-11-{day:02d} {clock}"


@pytest.fixture
def two_clients(cli):
    """Two clients in the week of Mon 16 Nov 2026 (reported as of Wed 25 Nov), with notes,
    tags, feedback and reasons; acme's promises and globex's interleave, so ids tell."""
    return built(cli, type_two_clients)


def type_two_clients(cli):
    cli.promise("Draft proposal", to="acme", due=at(17, "17:00"), now=at(16), tag="secret-tag")
    cli.promise("Merger memo", to="globex", due=at(18, "17:00"), now=at(16), tag="pricing-tag")
    cli.ok("done", "1", "--note", "delivery note for acme", now=at(17, "12:00"))  # kept
    cli.promise("Workshop slides", to="acme", due=at(18, "17:00"), now=at(16))
    cli.ok("move", "3", at(20, "17:00"), "--reason", ACME_REASON, now=at(18, "10:00"))
    cli.ok("done", "3", now=at(20, "16:00"))  # renegotiated
    cli.ok("note", "3", "acme internal note", now=at(18))
    cli.promise("Board deck", to="globex", due=at(19, "17:00"), now=at(16))
    cli.ok("move", "4", at(21, "17:00"), "--reason", "globex-only reason", now=at(19, "09:00"))
    cli.ok("note", "4", "globex note", now=at(19))
    cli.promise("Late report", to="acme", due=at(19, "17:00"), now=at(16))
    cli.ok("done", "5", now=at(20, "11:00"))  # late
    cli.promise(SCRIPT_TITLE, to="acme", due=at(20, "17:00"), now=at(16))
    cli.ok("done", "6", now=at(20, "12:00"))  # kept
    cli.promise("Old work", to="acme", due=at(10, "17:00"), now=at(9))  # for the trend
    cli.ok("done", "7", now=at(10, "12:00"))
    cli.ok("feedback", "acme", "9", "--note", "feedback note", now=at(20))
    cli.ok("feedback", "globex", "2", "--note", "hush-hush", now=at(20))
    cli.ok("client", "terms", "acme", "--update-every", "1w")
    return cli


def report(cli, *options: str) -> str:
    return cli.ok("report", "--last-week", *options).stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_client_report_leaks_nothing_of_the_rest_of_the_ledger(two_clients, fmt):
    text = report(two_clients, "--client", "acme", "--for-client", "--format", fmt)
    leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert leaked == [], (fmt, text)
    if fmt in ("json", "csv"):  # their keys stay, empty
        text = text.replace("nps", "").replace("last_update", "").replace("updates_owed", "")
        text = text.replace("update_overdue", "")
    assert not re.search(r"NPS|nps", text)  # acme's own score is ours, not theirs
    assert "update" not in text.lower()  # no cadence, no owed update, no last update
    if fmt != "csv":  # the CSV is the scorecard only
        assert ACME_REASON in text.replace("&amp;", "&").replace("&#x27;", "'")  # as it was given
        assert "Workshop slides" in text and "Late report" in text


def test_the_client_report_on_a_terminal_heads_its_one_row_as_a_scorecard(two_clients):
    text = report(two_clients, "--client", "acme", "--for-client")
    assert "Scorecard" in text and "worst kept rate first" not in text


def test_the_same_ledger_shows_everything_in_the_internal_report(two_clients):
    """The leak test can fail: the internal report of the same ledger holds what must not leak."""
    internal = report(two_clients, "--format", "html") + report(two_clients, "--client", "acme", "--format", "json")
    for shown in ("globex", "Merger memo", "Board deck", "globex-only reason", "NPS", "nps"):
        assert shown in internal


def test_the_client_report_has_no_promise_ids(two_clients):
    table = report(two_clients, "--client", "acme", "--for-client")
    assert not re.search(r"^\s*ID\b|\bID\s", table, re.MULTILINE)
    assert not re.search(r"^\s*[3-6]\s", table, re.MULTILINE)  # no row starts with a promise id
    markdown = report(two_clients, "--client", "acme", "--for-client", "--format", "markdown")
    assert "| # |" not in markdown and not re.search(r"^\| \d+ \|", markdown, re.MULTILINE)
    html = report(two_clients, "--client", "acme", "--for-client", "--format", "html")
    assert "<th>#</th>" not in html and '<th class="num">#</th>' not in html
    document = two_clients.json("report", "--last-week", "--client", "acme", "--for-client")
    assert document["for_client"] is True and document["client"] == "acme"
    rows = document["broken"] + document["renegotiations"] + document["promises"]
    assert rows and all(row["id"] is None for row in rows)
    assert document["totals"]["nps"] is None and document["updates_owed"] == []
    assert [c["client"] for c in document["clients"]] == ["acme"]
    assert document["clients"][0]["last_update"] is None and document["clients"][0]["nps"] is None
    scorecard = report(two_clients, "--client", "acme", "--for-client", "--format", "csv").splitlines()
    assert [row.split(",")[0] for row in scorecard[1:]] == ["acme", "(total)"]
    header = scorecard[0].split(",")
    rows = [dict(zip(header, row.split(","))) for row in scorecard[1:]]
    assert all(row["nps"] == row["last_update"] == "" for row in rows)  # no NPS, no last update
    # the counts are acme's: 2 kept, 1 renegotiated, 1 late
    totals = document["totals"]
    assert (totals["kept"], totals["renegotiated"], totals["late"], totals["missed"]) == (2, 1, 1, 0)


def test_the_internal_report_keeps_its_ids_and_the_for_client_key(two_clients):
    document = two_clients.json("report", "--last-week", "--client", "acme")
    assert document["for_client"] is False
    assert [b["id"] for b in document["broken"]] == [5]
    assert "| # |" in report(two_clients, "--client", "acme", "--format", "markdown")


def test_for_client_without_a_client_is_refused_in_one_line(two_clients):
    for fmt in FORMATS:
        out = two_clients("report", "--last-week", "--for-client", "--format", fmt)
        assert out.exit_code == 2 and out.stdout == ""
        assert out.stderr.count("\n") == 1 and "--for-client needs --client" in out.stderr


def test_for_client_markdown_keeps_its_tables_whole_with_pipes_in_titles(cli):
    cli.promise("a | b \\| c\\", to="acme", due=at(17, "17:00"), now=at(16))
    cli.ok("done", "1", now=at(17, "12:00"))
    markdown = report(cli, "--client", "acme", "--for-client", "--format", "markdown")
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert rows and all(_unescaped_pipes(row) == _unescaped_pipes(rows[0]) for row in rows[:3])
    assert "a \\| b \\\\\\| c\\\\" in markdown


def _unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", row))


# -- the HTML page, parsed strictly ------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "area", "base", "source"}
SVG_LEAVES = {"line", "rect", "path", "circle", "polyline"}


class StrictPage(HTMLParser):
    """Every tag, attribute and piece of text of a page; fails on an unbalanced tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.starts: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.texts: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag, attrs) -> None:
        self._start(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs) -> None:
        assert tag in VOID or tag in SVG_LEAVES, f"<{tag}/> is not a void element"
        self._start(tag, attrs)

    def _start(self, tag, attrs) -> None:
        self.starts.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_endtag(self, tag) -> None:
        assert tag not in VOID, f"</{tag}> closes a void element"
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data) -> None:
        self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def parse(page: str) -> StrictPage:
    parser = StrictPage()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], f"unclosed: {parser.stack}"
    return parser


def check_page(page: str) -> StrictPage:
    """What every report page must be: one balanced document, one chart, nothing run or fetched."""
    parsed = parse(page)
    assert parsed.doctype.lower() == "doctype html"
    assert parsed.starts[:2] == ["html", "head"] and parsed.starts.count("body") == 1
    assert "script" not in parsed.starts and "iframe" not in parsed.starts and "object" not in parsed.starts
    assert parsed.starts.count("svg") == 1
    inside = parsed.starts[parsed.starts.index("svg") + 1 :]
    assert {"rect", "text", "line"} & set(inside) and "title" in inside
    for tag, name, value in parsed.attributes:
        assert not name.startswith("on"), (tag, name)  # no event handlers
        if name in ("src", "href", "xlink:href", "action", "srcset", "data", "poster"):
            assert not re.match(r"\s*(https?:|//|javascript:)", value, re.IGNORECASE), (tag, name, value)
        if name == "style":
            assert "url(" not in value
    style = page[page.index("<style>") : page.index("</style>")]
    assert "url(" not in style and "@import" not in style and "http" not in style
    assert "</html>" in page[-10:]
    return parsed


def test_the_html_report_is_one_balanced_self_contained_page(two_clients):
    for options in ("--last-week", "--last-week --client acme", "--last-week --client acme --for-client", "--month",
                    "--since 2026-11-01 --until 2026-11-20"):  # fmt: skip
        page = two_clients.ok("report", *options.split(), "--format", "html").stdout
        check_page(page)
        assert not re.search(r"https?://", page)  # no address of any kind
        assert "Content-Security-Policy" in page


def test_user_text_is_escaped_and_shown_as_text(two_clients):
    page = report(two_clients, "--client", "acme", "--for-client", "--format", "html")
    parsed = check_page(page)
    assert SCRIPT_TITLE in parsed.text  # shown as text
    assert SCRIPT_TITLE not in page  # never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert ACME_REASON in parsed.text


def test_the_page_names_the_client_and_the_period(two_clients):
    page = report(two_clients, "--client", "acme", "--for-client", "--format", "html")
    head_title = re.search(r"<title>(.*?)</title>", page).group(1)
    h1 = re.search(r"<h1>(.*?)</h1>", page).group(1)
    for heading in (head_title, h1):
        assert "acme" in heading and "16 Nov 2026" in heading


def test_the_chart_has_labelled_axes_and_a_bar_per_judged_period(two_clients):
    page = report(two_clients, "--client", "acme", "--for-client", "--format", "html")
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert ">0%<" in chart and ">100%<" in chart and "Kept rate" in chart and "Week starting" in chart
    assert chart.count('<rect class="bar"') == 1  # only the week of 9 Nov had anything judged
    assert "9 Nov" in chart and "21 Sep" in chart


def test_the_page_prints_well(two_clients):
    page = report(two_clients, "--format", "html")
    style = page[page.index("<style>") : page.index("</style>")]
    assert "@media print" in style
    assert all(value.strip() == "auto" for value in re.findall(r"(?<![-\w])height\s*:\s*([^;}]+)", style))
    backgrounds = re.findall(r"background(?:-color)?\s*:\s*([^;}]+)", style)
    assert backgrounds and all(value.strip() in ("#fff", "#ffffff", "white", "none") for value in backgrounds)


def test_an_empty_report_is_still_a_whole_page(cli):
    page = cli.ok("report", "--format", "html").stdout
    parsed = check_page(page)
    assert "The ledger is empty" in parsed.text


# -- hostile text, rendered directly -----------------------------------------------------

BERLIN = Settings(timezone="Europe/Berlin")
WEEK = periods.week_of(1_795_000_000, BERLIN)
HOSTILE = st.text(
    st.one_of(st.sampled_from(list("<>&\"'/=`|\\ \x00\x1b\u202e\n\t-;:()!")), st.characters()), min_size=1, max_size=40
)


def sample_report(title: str, reason: str, client_report: bool) -> Report:
    counts = Counts(kept=1, renegotiated=1, late=1)
    trend = [TrendPoint(p, Counts(kept=i % 2)) for i, p in enumerate(periods.trailing(WEEK, 8, BERLIN))]
    start = WEEK.start
    built = Report(
        WEEK, start + 86_400 * 9, "acme", counts, [ClientScore("acme", counts, 50, start)],
        [Broken(5, title, "acme", "late", start + 3600, start + 7200, start + 7200, 1.0, 60)],
        [Renegotiation(3, title, "acme", start, start + 60, start + 86_400, reason, True)],
        trend,
        promises=[Reckoned(1, title, "acme", "kept", start, start, start, None, None)],
    )  # fmt: skip
    return for_client(built) if client_report else built


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=HOSTILE, reason=HOSTILE, client_report=st.booleans())
def test_hostile_titles_and_reasons_stay_text(title, reason, client_report):
    page = report_html.render(sample_report(title, reason, client_report), BERLIN)
    benign = report_html.render(sample_report("x", "y", client_report), BERLIN)
    parsed = check_page(page)
    assert parsed.starts == parse(benign).starts  # the user's text added no element
    assert [(t, n) for t, n, _ in parsed.attributes] == [(t, n) for t, n, _ in parse(benign).attributes]
    assert printable(title) in parsed.text and printable(reason) in parsed.text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", page)


def test_a_for_client_report_needs_its_client():
    built = sample_report("x", "y", False)
    with pytest.raises(BadInput):
        for_client(built._replace(client=None))


def test_a_count_the_report_gains_shows_in_the_scorecard_without_a_change_here(monkeypatch):
    """Another figure added to `Counts` (say, early deliveries) is a column of the HTML scorecard."""

    fields = [*Counts._fields, "early"]  # Counts, and one count more, with its figures

    class Wider(namedtuple("Counts", fields, defaults=[0] * len(fields))):  # type: ignore[misc]
        judged, total, kept_rate, on_time_rate = Counts.judged, Counts.total, Counts.kept_rate, Counts.on_time_rate

    wider = Wider
    monkeypatch.setattr(report_html, "Counts", wider)
    monkeypatch.setattr(core, "Counts", wider)
    assert report_html.count_columns()[-1] == "early"
    built = sample_report("x", "y", False)
    scored = [ClientScore("acme", wider(kept=1, early=3))]
    page = report_html.render(built._replace(totals=wider(kept=1, early=3), clients=scored), BERLIN)
    check_page(page)
    assert '<th class="num">Early</th>' in page and "<dt>Early</dt><dd>3</dd>" in page
