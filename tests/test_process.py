"""The installed program as a real process: entry points, exit statuses, streams."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, run_expect
from expectcli import __version__


@pytest.fixture
def env(ledger_location, config_file):
    return {"EXPECT_DB": ledger_location, "EXPECT_CONFIG": str(config_file), "EXPECT_NOW": NOW}


def test_python_dash_m_and_version(env):
    out = run_expect(["--version"], env)
    assert (out.returncode, out.stdout) == (0, f"expect {__version__}\n")


@pytest.mark.parametrize("script", ["expect", "expectcli"])
def test_both_console_scripts_are_installed(env, script):
    path = Path(sys.executable).parent / script
    assert path.exists(), f"{script} is not installed beside {sys.executable}"
    out = subprocess.run([str(path), "--version"], capture_output=True, text=True, env={**env, "PATH": ""})
    assert out.returncode == 0 and out.stdout.startswith("expect ")


def test_due_exit_status_tells_a_prompt_hook_about_overdue_work(env):
    assert run_expect(["due", "--count"], env).returncode == 0
    made = run_expect(["promise", "Call back", "--to", "acme", "--due", "today 11:00"], env)
    assert made.returncode == 0, made.stderr
    soon = run_expect(["due", "--count"], env)
    assert (soon.returncode, soon.stdout) == (0, "1 at risk\n")  # due today: inside acme's notice window
    late = run_expect(["due", "--count"], {**env, "EXPECT_NOW": "2026-11-25T12:00:00+01:00"})
    assert (late.returncode, late.stdout, late.stderr) == (1, "1 overdue\n", "")


def test_bad_input_is_exit_2_with_one_line_on_stderr(env):
    out = run_expect(["promise", "X", "--to", "acme", "--due", "blursday"], env)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("expect: can't read 'blursday'") and out.stderr.count("\n") == 1


def test_json_output_is_machine_only(env):
    out = run_expect(["promise", "X", "--to", "acme", "--due", "fri", "--json"], env)
    assert (
        out.stdout.lstrip().startswith("{") and out.stderr == "new client acme\n"
    )  # the notice goes to stderr, never stdout
