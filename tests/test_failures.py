"""A ledger that cannot be written: read-only, or a full disk. One clear line, a documented
exit status, and nothing half-written."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, sqlite_only

pytestmark = sqlite_only("file permissions and file sizes of a SQLite ledger")


def expect(env, *args, preexec_fn=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "expectcli", *args], env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=preexec_fn)  # fmt: skip


@pytest.fixture
def env(tmp_path: Path, config_file: Path) -> dict:
    env = {**os.environ, "EXPECT_DB": str(tmp_path / "ledger.db"), "EXPECT_CONFIG": str(config_file), "EXPECT_NOW": NOW}
    assert expect(env, "db", "init", env["EXPECT_DB"]).returncode == 0
    assert expect(env, "promise", "Existing", "--to", "acme", "--due", "fri").returncode == 0
    return env


def test_a_read_only_ledger_refuses_writes_and_still_reads(env, tmp_path):
    ledger = Path(env["EXPECT_DB"])
    before = ledger.read_bytes()
    if os.geteuid() == 0:  # root ignores file modes; an immutable file stops even root
        locked = subprocess.run(["chattr", "+i", str(ledger)], capture_output=True)
        if locked.returncode != 0:
            pytest.skip("running as root without chattr +i: cannot make the ledger read-only")
        unlock = lambda: subprocess.run(["chattr", "-i", str(ledger)], check=True)  # noqa: E731
    else:
        ledger.chmod(0o400)
        unlock = lambda: ledger.chmod(0o600)  # noqa: E731
    try:
        write = expect(env, "promise", "New", "--to", "acme", "--due", "fri")
        assert write.returncode == 2, write
        assert write.stderr.count("\n") == 1 and "read-only" in write.stderr and "Traceback" not in write.stderr
        read = expect(env, "list", "--json")
        assert read.returncode == 0 and "Existing" in read.stdout, read
    finally:
        unlock()
    assert ledger.read_bytes() == before


def test_a_full_disk_writes_nothing(env, tmp_path):
    ledger = Path(env["EXPECT_DB"])
    source = tmp_path / "rows.csv"
    source.write_text(
        "title,client,due\n" + "".join(f"Promise {n},acme,2026-12-{n % 28 + 1:02d}\n" for n in range(3000))
    )
    limit = ledger.stat().st_size + 8192

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = expect(env, "import", str(source), preexec_fn=small_disk)
    assert out.returncode == 1, out
    assert out.stderr.count("\n") == 1 and "nothing was written" in out.stderr and "Traceback" not in out.stderr
    check = expect(env, "db", "check")
    assert check.returncode == 0, check.stderr
    assert '"Existing"' in expect(env, "list", "--json").stdout
    assert expect(env, "list", "--all", "--json").stdout.count('"id"') == 1


# The default run tries each bad byte sequence once and each place once; the slow pass
# (`.ci/run`) tries every sequence in every place.
@pytest.mark.parametrize(
    ("where", "raw"),
    [
        pytest.param(where, raw, marks=() if i == j else pytest.mark.slow)
        for i, where in enumerate(["title", "client", "tag"])
        for j, raw in enumerate([b"bad \xff title", b"x\xed\xa0\x80y", b"\xc3"])
    ],
)
def test_a_command_line_that_is_not_utf8_is_refused_in_one_line(env, raw, where):
    """Invalid UTF-8 bytes in any argument: exit 2, one line, nothing written (was exit 70)."""
    args = {
        "title": [raw, b"--to", b"acme"],
        "client": [b"T", b"--to", raw],
        "tag": [b"T", b"--to", b"acme", b"--tag", raw],
    }
    before = expect(env, "export").stdout
    out = subprocess.run([sys.executable.encode(), b"-m", b"expectcli", b"promise", *args[where], b"--due", b"fri"],
                         env=env, capture_output=True)  # fmt: skip
    assert out.returncode == 2, out.stderr
    assert out.stderr.decode().endswith("is not valid UTF-8 text; nothing was done\n") and out.stderr.count(b"\n") == 1
    assert (
        expect(env, "export").stdout.split('"exported_at"')[1].split("\n", 1)[1]
        == before.split('"exported_at"')[1].split("\n", 1)[1]
    )


def test_text_with_a_lone_surrogate_is_refused_by_the_core():
    from expectcli.core.validate import checked_text
    from expectcli.errors import BadInput

    with pytest.raises(BadInput, match="is not valid UTF-8 text"):
        checked_text("a\udcffb", "title")
