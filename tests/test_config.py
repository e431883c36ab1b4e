"""The config file: read by tomllib, checked once, held as typed values; and the modules that
read it import each other in one direction only."""

from __future__ import annotations

import ast
import json
import os
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from expectcli.core.config import Settings, load_settings, settings_from_dict
from expectcli.core.durations import Duration
from expectcli.errors import BadInput

SOURCE = Path(__file__).resolve().parent.parent / "src" / "expectcli"


@pytest.fixture
def config(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("EXPECT_CONFIG", str(path))
    return path


def refusal(config: Path, text: str) -> str:
    config.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_settings()
    message = str(caught.value)
    assert len(message.splitlines()) == 1 and caught.value.exit_code == 2
    return message


def test_settings_hold_typed_values(config):
    config.write_text(
        'timezone = "Europe/Berlin"  # home\nday_start = "8:30"\nday_end = "5pm"\nweek_start = "sun"\n'
        'workdays = ["sun", "mon", "tue", "wed", "thu"]\nrespond_within = "4h"\nupdate_every = "2 weeks"\n'
        'holidays = "DE-BY"\n'
    )
    assert load_settings() == Settings(
        timezone="Europe/Berlin", day_start=time(8, 30), day_end=time(17, 0), week_start=6,
        workdays=(0, 1, 2, 3, 6), respond_within=Duration(4, "h"), update_every=Duration(2, "w"), holidays="DE-BY",
    )  # fmt: skip
    assert load_settings().zone == ZoneInfo("Europe/Berlin")


def test_the_defaults_are_typed_too(config, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    settings = load_settings()  # no file at all
    assert settings.respond_within == Duration(1, "bd") and settings.update_every is None
    assert settings.timezone == "America/New_York" and settings.day_end == time(17, 0)
    assert Settings().respond_within == Duration(1, "bd")


@pytest.mark.parametrize(
    "text, clock",
    [("17:00", time(17)), ("9:05", time(9, 5)), ("0:00", time(0)), ("5pm", time(17)), ("5:30 pm", time(17, 30)),
     ("12am", time(0)), ("12pm", time(12)), (" 11AM ", time(11))],
)  # fmt: skip
def test_the_working_day_is_written_as_people_write_times(text, clock):
    assert settings_from_dict({"timezone": "UTC", "day_start": text, "day_end": "23:59"}).day_start == clock


@pytest.mark.parametrize("text", ["24:00", "17:0", "17:00:00", "13pm", "0pm", "5:60pm", "5", ":30", "5:pm", "١٢:00"])
def test_times_that_are_not_clock_times_are_refused(text):
    with pytest.raises(BadInput, match="day_end must be a time like 17:00 or 5pm"):
        settings_from_dict({"timezone": "UTC", "day_end": text})


def test_a_toml_local_time_is_a_clock_time(config):
    config.write_text("day_start = 08:00:00\nday_end = 18:30:00\n")
    assert (load_settings().day_start, load_settings().day_end) == (time(8), time(18, 30))


def test_full_toml_is_read(config):
    config.write_text('# settings\ntimezone = \'UTC\'\r\nworkdays = [\n  "mon", # first\n  "fri",\n]\n')
    assert load_settings().workdays == (0, 4)


@pytest.mark.parametrize(
    "text, words",
    [
        ("day_end = \n", "not valid TOML"),
        ('timezone = "UTC"\ntimezone = "UTC"\n', "not valid TOML"),
        ('title = """never\nclosed\n', "not valid TOML"),
        ('day_end = "17:00', "not valid TOML"),
        ("timezone = 'Mars/Olympus'\n", "unknown time zone"),
        ('day_end = "25:00"\n', "day_end must be a time like 17:00 or 5pm"),
        ('day_end = "13pm"\n', "day_end must be a time"),
        ("day_end = 17\n", "day_end must be a time"),
        ('day_start = "18:00"\n', "day_end must be later than day_start"),
        ('respond_within = "soon"\n', "respond_within: can't read 'soon' as a duration"),
        ("respond_within = 4\n", 'respond_within must be a duration in quotes like "1bd"'),
        ('update_every = "-1w"\n', "update_every: '-1w': negative amounts"),
        ('workdays = "mon"\n', "workdays must be a non-empty list"),
        ('week_start = "someday"\n', "week_start must name weekdays"),
        ("holidays = 49\n", "holidays must be a country code"),
        ('colour = "blue"\n', "unknown setting 'colour'"),
    ],
)
def test_a_bad_config_is_one_line_naming_the_problem(config, text, words):
    message = refusal(config, text)
    assert words in message and str(config) in message


def test_a_config_that_is_not_utf8_is_refused_in_one_line(config):
    config.write_bytes(b'timezone = "\xff"\n')
    with pytest.raises(BadInput, match="not valid TOML"):
        load_settings()


def test_settings_from_a_dict_check_the_same_rules():
    assert settings_from_dict({"update_every": "1bd", "timezone": "UTC"}).update_every == Duration(1, "bd")
    with pytest.raises(BadInput, match="^terms: update_every"):
        settings_from_dict({"update_every": "weekly", "timezone": "UTC"}, source="terms")


# -- imports -------------------------------------------------------------------------------


def module_imports() -> dict[str, set[str]]:
    """Every module of the package with the package modules it imports, at the top or inside
    a function (both count: a function-level import is still a cycle waiting to bite)."""
    modules = {".".join(path.relative_to(SOURCE.parent).with_suffix("").parts).removesuffix(".__init__"): path
               for path in SOURCE.rglob("*.py")}  # fmt: skip
    graph = {}
    for name, path in modules.items():
        named: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                named |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                named |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        graph[name] = {other for other in named if other in modules and other != name}
    return graph


def test_no_module_imports_one_that_imports_it_back():
    graph = module_imports()
    assert graph["expectcli.core.config"] & {"expectcli.core.dates"} == set()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for other in graph[start] - seen:
            seen.add(other)
            if other == goal or reaches(other, goal, seen):
                return True
        return False

    cycles = sorted(name for name in graph if reaches(name, name, set()))
    assert cycles == []


def test_durations_stand_alone():
    assert module_imports()["expectcli.core.durations"] == {"expectcli.errors"}


def test_a_byte_order_mark_is_no_error(config):
    config.write_bytes('\ufefftimezone = "Asia/Tokyo"\r\n'.encode())
    assert load_settings().timezone == "Asia/Tokyo"


# -- the remembered parse (core.config.parsed_toml) -----------------------------------------


def remembered(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "expect" / "config.json"  # XDG_CACHE_HOME is the test's own


def test_the_parse_is_remembered_privately_and_given_again(config, tmp_path, monkeypatch):
    config.write_text('timezone = "Asia/Tokyo"\nworkdays = ["mon", "tue"]\n')
    first = load_settings()
    kept = remembered(tmp_path)
    assert kept.exists() and oct(kept.stat().st_mode & 0o777) == "0o600"
    assert oct(kept.parent.stat().st_mode & 0o777) == "0o700"
    import tomllib

    monkeypatch.setattr(tomllib, "loads", lambda text: pytest.fail("parsed again"))
    assert load_settings() == first and first.timezone == "Asia/Tokyo" and first.workdays == (0, 1)


def test_any_edit_is_read_anew_even_of_the_same_size_and_time(config, tmp_path):
    config.write_text('timezone = "Asia/Tokyo"\n')
    assert load_settings().timezone == "Asia/Tokyo"
    stamp = config.stat()
    config.write_text('timezone = "Asia/Dubai"\n')  # as many bytes
    os.utime(config, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert load_settings().timezone == "Asia/Dubai"


@pytest.mark.parametrize("damage", ["", "not json", '["expect-config 1", "timezone = \\"UTC\\"\\n", []]',
                                    '["other 9", "x", {}]', "\xff\xfe"])  # fmt: skip
def test_a_damaged_cache_is_parsed_past_and_replaced(config, tmp_path, damage):
    config.write_text('timezone = "Asia/Tokyo"\n')
    kept = remembered(tmp_path)
    kept.parent.mkdir(parents=True)
    kept.write_bytes(damage.encode("latin-1"))
    assert load_settings().timezone == "Asia/Tokyo"
    assert json.loads(kept.read_text())[2] == {"timezone": "Asia/Tokyo"}


def test_a_cache_that_cannot_be_written_only_costs_the_parse(config, tmp_path):
    (tmp_path / "cache").write_text("a file where the folder would be")
    config.write_text('timezone = "Asia/Tokyo"\n')
    assert load_settings().timezone == "Asia/Tokyo"
    assert load_settings().timezone == "Asia/Tokyo"


def test_a_parse_json_cannot_hold_is_not_kept(config, tmp_path):
    config.write_text("day_start = 08:00:00\n")  # a TOML local time
    assert load_settings().day_start == time(8)
    assert not remembered(tmp_path).exists()
    assert load_settings().day_start == time(8)


def test_a_bad_file_is_refused_every_time_and_nothing_is_kept(config, tmp_path):
    for _ in range(2):
        assert "not valid TOML" in refusal(config, "timezone = \n")
    assert not remembered(tmp_path).exists()
