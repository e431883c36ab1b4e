"""Pendulum is loaded where calendar arithmetic is done (weekday and month phrases, report
periods), never by the listings people and prompts run all day: it costs them ~35 ms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def imported(args: list[str], env: dict[str, str]) -> set[str]:
    """Top-level names of the modules `python -m expectcli ARGS` imported."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "expectcli", *args], env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode in (0, 1), out.stderr
    lines = [line for line in out.stderr.splitlines() if line.startswith("import time:")][1:]
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines}


@pytest.fixture
def env(cli):
    import os

    cli.promise("Send the proposal", due="2026-11-27")
    cli.promise("Call back", due="today 11:00")
    return {**os.environ, **cli.env()}


@pytest.mark.parametrize("args", [["list"], ["list", "--all"], ["due"], ["due", "--within", "1w"], ["due", "--count"]])
def test_the_everyday_views_do_not_load_pendulum(env, args):
    assert "pendulum" not in imported(args, env)


@pytest.mark.parametrize("args", [["report", "--week"], ["list", "--now", "fri"], ["due", "--count", "--now", "eom"]])
def test_calendar_arithmetic_is_pendulums(env, args):
    assert "pendulum" in imported(args, env)


def test_a_config_file_is_read_by_tomllib_once_per_text_and_a_missing_one_needs_none(env, tmp_path):
    config = Path(env["EXPECT_CONFIG"])
    config.write_text('timezone = "Europe/Berlin"\nday_end = "18:00"\n')  # a text not parsed before
    assert "tomllib" in imported(["due", "--count"], env)
    assert "tomllib" not in imported(["due", "--count"], env)  # the parse remembered (core.config.parsed_toml)
    config.write_text('timezone = "Europe/Berlin"\nday_end = "18:30"\n')
    assert "tomllib" in imported(["due", "--count"], env)
    assert "tomllib" not in imported(["due", "--count"], {**env, "EXPECT_CONFIG": str(tmp_path / "none.toml")})
