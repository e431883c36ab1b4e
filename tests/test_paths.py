"""The default folders are exactly platformdirs' answer (worked out without importing it)."""

from __future__ import annotations

import platformdirs
import pytest

from expectcli.paths import user_dir


@pytest.mark.parametrize(
    "environment",
    [{}, {"XDG_DATA_HOME": "/srv/data", "XDG_CONFIG_HOME": "/srv/config"}, {"XDG_DATA_HOME": "  "},
     {"XDG_CONFIG_HOME": ""}, {"HOME": "/home/somebody"}],
)  # fmt: skip
def test_default_folders_match_platformdirs(monkeypatch, environment):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert user_dir("data") == platformdirs.user_data_dir("expect", appauthor=False)
    assert user_dir("config") == platformdirs.user_config_dir("expect", appauthor=False)


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
