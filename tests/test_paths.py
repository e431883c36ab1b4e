"""Where the ledger and the config file live when nothing names them: the XDG folders,
else the fallbacks under HOME, worked out here from the environment by hand (not by
asking platformdirs, which the code under test imitates)."""

from __future__ import annotations

import json

import pytest

from conftest import Runner
from expectcli.cli.app import app


def run(*args: str, env: dict[str, str | None]):
    """`expect` in-process with no EXPECT_DB or EXPECT_CONFIG, so the default places apply."""
    env = {"EXPECT_DB": None, "EXPECT_CONFIG": None, "EXPECT_NOW": "2026-11-25T10:00:00+01:00", "NO_COLOR": "1", **env}
    result = Runner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "EXPECT_DB", "EXPECT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


# (the XDG variables to set, the ledger and the config under the temporary folder)
PLACES = [
    ({}, "home/.local/share/expect/ledger.db", "home/.config/expect/config.toml"),
    ({"XDG_DATA_HOME": "xdg-data", "XDG_CONFIG_HOME": "xdg-config"},
     "xdg-data/expect/ledger.db", "xdg-config/expect/config.toml"),
    ({"XDG_DATA_HOME": "  ", "XDG_CONFIG_HOME": ""},
     "home/.local/share/expect/ledger.db", "home/.config/expect/config.toml"),
    ({"XDG_DATA_HOME": "xdg-data"}, "xdg-data/expect/ledger.db", "home/.config/expect/config.toml"),
]  # fmt: skip


@pytest.mark.parametrize("xdg, ledger, config", PLACES)
def test_the_ledger_and_the_config_are_in_the_xdg_folders_or_under_home(home, tmp_path, monkeypatch, xdg, ledger,
                                                                       config):  # fmt: skip
    for name, value in xdg.items():
        monkeypatch.setenv(name, str(tmp_path / value) if value.strip() else value)
    config_file = tmp_path / config
    config_file.parent.mkdir(parents=True)
    config_file.write_text('timezone = "Asia/Tokyo"\n')  # visible in every time shown
    assert run("db", "path", env={}).strip() == str(tmp_path / ledger)
    made = json.loads(run("promise", "Send the proposal", "--to", "acme", "--due", "2026-12-03", "--json", env={}))
    assert made["due"] == "2026-12-03T17:00:00+09:00"  # the config file was read from there
    assert (tmp_path / ledger).is_file()  # the ledger was created there on first use


def test_a_config_file_elsewhere_is_not_read(home, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    stray = home / ".config" / "expect" / "config.toml"  # the fallback, but XDG_CONFIG_HOME is set
    stray.parent.mkdir(parents=True)
    stray.write_text('timezone = "Asia/Tokyo"\n')
    monkeypatch.setenv("TZ", "UTC")
    made = json.loads(run("promise", "Send the proposal", "--to", "acme", "--due", "2026-12-03", "--json", env={}))
    assert not made["due"].endswith("+09:00")


def test_the_prompt_path_does_not_import_platformdirs(tmp_path):
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if not key.startswith("EXPECT_")}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "expectcli", "due", "--count"], env=env,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    modules = {line.rsplit("|", 1)[1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")}
    assert "platformdirs" not in modules and "pathlib" not in modules
    assert (tmp_path / "data" / "expect" / "ledger.db").exists()


@pytest.mark.parametrize(("xdg", "folder"), [("", "home/.cache/expect"), ("xdg-cache", "xdg-cache/expect")])
def test_the_prompts_cache_is_in_the_xdg_cache_folder_or_under_home(home, tmp_path, monkeypatch, xdg, folder):
    from expectcli.paths import user_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / xdg) if xdg else "")
    assert user_dir("cache") == str(tmp_path / folder)
