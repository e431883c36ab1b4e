"""A prompt's `due --count` answered from the per-user cache (`expectcli.promptcache`): the
same answer as the ledger gives, never a stale one after a write or when time moves a
promise, and no more imports than the standard library's."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import _copy_new_ledger, fresh_ledger, postgres_only
from expectcli import promptcache
from test_imports import imported_modules

SCRIPT = str(Path(sys.executable).parent / "expect")


def run(args, env, *, cache=None):
    full = {**os.environ, **env, "EXPECT_NOW": ""}
    if cache is not None:
        full["XDG_CACHE_HOME"] = str(cache)
    return subprocess.run([SCRIPT, *args], env=full, capture_output=True, text=True, timeout=60)


@pytest.fixture
def prompt(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n')
    env = {"EXPECT_DB": str(tmp_path / "ledger.db"), "EXPECT_CONFIG": str(config)}
    _copy_new_ledger(tmp_path / "ledger.db")  # what `db init` makes (tests/test_fixtures.py)
    made = run(["promise", "Send the proposal", "--to", "acme", "--due", "in 3 days"], env)
    assert made.returncode == 0, made.stderr
    return env


def cached(tmp_path) -> list[Path]:
    folder = tmp_path / "cache" / "expect" / "counts"
    return sorted(folder.iterdir()) if folder.exists() else []


def imports_of(args, env) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", SCRIPT, *args],
        env={**os.environ, **env, "EXPECT_NOW": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode in (0, 1), out.stderr
    return imported_modules(out.stderr)


def test_a_second_count_is_the_cached_answer_and_opens_nothing(prompt, tmp_path):
    first = run(["due", "--count"], prompt)
    assert (first.returncode, first.stdout, first.stderr) == (0, "", "")  # due in 3 days: not within 2d
    within = run(["due", "--count", "--within", "1w"], prompt)
    assert (within.returncode, within.stdout) == (0, "1 due\n")
    assert len(cached(tmp_path)) == 2  # one answer per command line
    again = imports_of(["due", "--count", "--within", "1w"], prompt)
    assert "sqlite3" not in again and "expectcli.cli.spec" not in again and "typing" not in again
    assert run(["due", "--count", "--within", "1w"], prompt).stdout == "1 due\n"


def test_a_write_by_this_user_drops_the_cached_answers(prompt, tmp_path):
    assert run(["due", "--count", "--within", "1w"], prompt).stdout == "1 due\n"
    assert cached(tmp_path)
    assert run(["promise", "Call back", "--to", "acme", "--due", "tomorrow"], prompt).returncode == 0
    assert cached(tmp_path) == []
    assert run(["due", "--count", "--within", "1w"], prompt).stdout == "2 due\n"


def test_a_write_by_another_process_is_seen_through_the_ledgers_files(prompt, tmp_path):
    """A write whose process keeps its own cache folder (another user, another tool) does not
    drop this cache; the changed ledger file does."""
    assert run(["due", "--count", "--within", "1w"], prompt).stdout == "1 due\n"
    other = run(["promise", "Call back", "--to", "acme", "--due", "tomorrow"], prompt, cache=tmp_path / "elsewhere")
    assert other.returncode == 0 and cached(tmp_path)
    assert run(["due", "--count", "--within", "1w"], prompt).stdout == "2 due\n"
    delivered = run(["done", "1", "2"], prompt, cache=tmp_path / "elsewhere")
    assert delivered.returncode == 0, delivered.stderr
    assert run(["due", "--count", "--within", "1w"], prompt).stdout == ""


def test_a_changed_config_is_a_miss(prompt, tmp_path):
    assert run(["due", "--count", "--within", "1w"], prompt).stdout == "1 due\n"
    assert "sqlite3" not in imports_of(["due", "--count", "--within", "1w"], prompt)  # a hit
    Path(prompt["EXPECT_CONFIG"]).write_text('timezone = "Asia/Tokyo"\nday_end = "18:00"\n')
    assert "sqlite3" in imports_of(["due", "--count", "--within", "1w"], prompt)  # a miss: asked again
    assert "sqlite3" not in imports_of(["due", "--count", "--within", "1w"], prompt)


def test_nothing_is_cached_when_a_deadline_falls_inside_the_cache_lifetime(prompt, tmp_path):
    """Due in 5 minutes with answers kept for 10: the answer changes inside the lifetime, so
    every prompt asks the ledger (and sees the promise turn overdue on time)."""
    Path(prompt["EXPECT_CONFIG"]).write_text('timezone = "Europe/Berlin"\ncount_cache = 600\n')
    assert run(["promise", "Quick reply", "--to", "acme", "--due", "in 5m"], prompt).returncode == 0
    out = run(["due", "--count"], prompt)
    assert (out.returncode, out.stdout) == (0, "1 at risk\n")  # inside acme's notice window (1bd)
    assert cached(tmp_path) == []


def test_an_answer_for_another_moment_is_never_cached(prompt, tmp_path):
    env = {**os.environ, **prompt}
    for extra, now in ((["--now", "2026-12-24T10:00"], ""), ([], "2026-12-24T10:00")):
        out = subprocess.run([SCRIPT, "due", "--count", *extra], env={**env, "EXPECT_NOW": now},
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        assert out.returncode == 1 and out.stdout == "1 overdue\n", out.stderr
    assert cached(tmp_path) == []


def test_count_cache_zero_turns_it_off(prompt, tmp_path):
    Path(prompt["EXPECT_CONFIG"]).write_text('timezone = "Europe/Berlin"\ncount_cache = 0\n')
    assert run(["due", "--count", "--within", "1w"], prompt).stdout == "1 due\n"
    assert cached(tmp_path) == []


@pytest.mark.parametrize("value", ["-1", "3601", '"60"', "true", "1.5"])
def test_a_bad_count_cache_setting_is_one_line(prompt, value):
    Path(prompt["EXPECT_CONFIG"]).write_text(f'timezone = "Europe/Berlin"\ncount_cache = {value}\n')
    out = run(["due", "--count"], prompt)
    assert out.returncode == 2
    assert out.stderr.endswith("count_cache must be a whole number of seconds from 0 to 3600\n"), out.stderr


def test_the_cache_is_private(prompt, tmp_path):
    run(["due", "--count", "--within", "1w"], prompt)
    (entry,) = cached(tmp_path)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    for folder in (entry.parent, entry.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("damage", ["", "expect-count 1\n", "garbage\n" * 6, "\xff\xfe"])
def test_a_damaged_entry_is_a_miss(prompt, tmp_path, damage):
    run(["due", "--count", "--within", "1w"], prompt)
    (entry,) = cached(tmp_path)
    entry.write_bytes(damage.encode("latin-1"))
    out = run(["due", "--count", "--within", "1w"], prompt)
    assert (out.returncode, out.stdout, out.stderr) == (0, "1 due\n", "")


@postgres_only("a server ledger has no file to look at")
def test_a_server_ledgers_count_is_cached_and_dropped_by_this_users_writes(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n')
    with fresh_ledger(tmp_path) as url:
        env = {"EXPECT_DB": url, "EXPECT_CONFIG": str(config)}
        assert run(["promise", "Send the proposal", "--to", "acme", "--due", "in 3 days"], env).returncode == 0
        assert run(["due", "--count", "--within", "1w"], env).stdout == "1 due\n"
        hit = imports_of(["due", "--count", "--within", "1w"], env)
        assert "sqlalchemy" not in {name.partition(".")[0] for name in hit}
        assert run(["promise", "Call back", "--to", "acme", "--due", "tomorrow"], env).returncode == 0
        assert run(["due", "--count", "--within", "1w"], env).stdout == "2 due\n"


# -- the rule, directly --------------------------------------------------------------------


def test_an_answer_is_kept_only_if_it_holds_at_both_ends(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    ledger = tmp_path / "ledger.db"
    ledger.write_text("x")
    answers = {1000: (0, "1 due\n", ""), 1060: (1, "1 overdue\n", "")}
    assert promptcache.answer(["due", "--count"], answers.get, [str(ledger)], 60, 1000.5) == answers[1000]
    assert promptcache.lookup(["due", "--count"], 1001) is None  # it would change at 1060: not kept
    answers[1060] = answers[1000]
    promptcache.answer(["due", "--count"], answers.get, [str(ledger)], 60, 1000.5)
    assert promptcache.lookup(["due", "--count"], 1001) == (0, "1 due\n")
    assert promptcache.lookup(["due", "--count"], 1060.49) == (0, "1 due\n")
    assert promptcache.lookup(["due", "--count"], 1060.5) is None  # expired
    assert promptcache.lookup(["due", "--count", "--json"], 1001) is None  # another command line
    ledger.write_text("xy")
    assert promptcache.lookup(["due", "--count"], 1001) is None  # the ledger changed


def test_an_answer_with_a_message_or_an_error_is_never_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    for said in ((0, "1 due\n", "expect: a warning\n"), (2, "", "expect: no client acme\n")):
        promptcache.answer(["due", "--count"], lambda moment, said=said: said, [], 60, 1000)
        assert promptcache.lookup(["due", "--count"], 1001) is None


def test_only_a_count_for_the_real_clock_is_wanted(monkeypatch):
    monkeypatch.delenv("EXPECT_NOW", raising=False)
    assert promptcache.wanted(["due", "--count"])
    assert promptcache.wanted(["due", "--within", "1bd", "--count", "--json"])
    assert not promptcache.wanted(["due"])
    assert not promptcache.wanted(["list", "--count"])
    assert not promptcache.wanted(["due", "--count", "--now", "fri"])
    assert not promptcache.wanted(["due", "--count", "--now=fri"])
    assert not promptcache.wanted(["due", "--count", "--debug"])
    monkeypatch.setenv("EXPECT_NOW", "fri")
    assert not promptcache.wanted(["due", "--count"])


def test_relative_ledger_paths_are_keyed_by_their_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    here = promptcache.key(["due", "--count", "--db", "ledger.db"])
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert promptcache.key(["due", "--count", "--db", "ledger.db"]) != here
    assert promptcache.key(["due", "--count", "--db", str(tmp_path / "ledger.db")]) == here
