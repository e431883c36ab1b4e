"""Shared fixtures: every test gets its own ledger, config and fixed clock."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from expectcli.cli import app

# A Wednesday morning in Berlin: 2026-11-25 10:00 CET (09:00 UTC).
NOW = "2026-11-25T10:00:00+01:00"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


class Cli:
    """Runs `expect` in-process (CliRunner) against one temporary ledger."""

    def __init__(self, ledger: Path, config: Path):
        self.ledger = ledger
        self.config = config
        self.runner = CliRunner()

    def env(self, now: str | None = NOW) -> dict[str, str]:
        env = {
            "EXPECT_DB": str(self.ledger),
            "EXPECT_CONFIG": str(self.config),
            "NO_COLOR": "1",
            "COLUMNS": "160",
            "EXPECT_NOW": now or "",
        }
        return env

    def __call__(self, *args: str, now: str | None = NOW) -> Outcome:
        if len(args) == 1 and " " in args[0]:
            args = tuple(shlex.split(args[0]))
        result = self.runner.invoke(app, list(args), env=self.env(now))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    def ok(self, *args: str, now: str | None = NOW) -> Outcome:
        out = self(*args, now=now)
        assert out.exit_code == 0, (args, out.stdout, out.stderr)
        return out

    def json(self, *args: str, now: str | None = NOW):
        return self.ok(*args, "--json", now=now).json()

    def promise(self, title="Send the proposal", to="acme", due="fri", now: str | None = NOW, **options: str) -> int:
        extra = [arg for key, value in options.items() for arg in (f"--{key}", value)]
        return self.json("promise", title, "--to", to, "--due", due, *extra, now=now)["id"]

    def journal_size(self) -> int:
        return len(self.json("log", "--limit", "100000"))


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('timezone = "Europe/Berlin"\n')
    return path


@pytest.fixture
def cli(tmp_path: Path, config_file: Path) -> Cli:
    return Cli(tmp_path / "ledger.db", config_file)


def run_expect(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m expectcli` as a real process."""
    full_env = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "expectcli", *args], env=full_env, capture_output=True, text=True, timeout=timeout
    )
