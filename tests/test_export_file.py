"""`export -o FILE`: never over the ledger, never over a file without --force, atomic, and
`--json` honoured (issue 13: an export once overwrote the live ledger with exit 0)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from conftest import run_expect, sqlite_only


def files_in(folder):
    return sorted(p.name for p in folder.iterdir())


@sqlite_only("the ledger is a file here")
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
@pytest.mark.parametrize("force", [False, True])
def test_export_never_overwrites_the_ledger(cli, suffix, force):
    cli.promise("Proposal")
    before = cli.ok("export").stdout
    target = f"{cli.path}{suffix}"
    out = cli("export", "--format", "csv", "-o", target, *(["--force"] if force else []))
    assert out.exit_code == 2
    assert out.stderr == f"expect: {target} is the ledger itself; export to another file\n"
    assert cli.ok("export").stdout == before  # the ledger still reads


@sqlite_only("the ledger is a file here")
def test_export_refuses_the_ledger_through_a_link(cli, tmp_path):
    cli.promise("Proposal")
    link = tmp_path / "alias.db"
    os.symlink(cli.path, link)
    out = cli("export", "-o", str(link), "--force")
    assert out.exit_code == 2 and "is the ledger itself" in out.stderr
    assert cli.ok("list").exit_code == 0


def test_export_refuses_an_existing_file_without_force(cli, tmp_path):
    cli.promise("Proposal")
    target = tmp_path / "notes.txt"
    target.write_text("my notes\n")
    out = cli("export", "--format", "csv", "-o", str(target))
    assert (out.exit_code, out.stdout) == (2, "")
    assert out.stderr == f"expect: {target} already exists; add --force to replace it\n"
    assert target.read_text() == "my notes\n"
    cli.ok("export", "--format", "csv", "-o", str(target), "--force")
    assert target.read_text().startswith("id,title,client,")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_writes_a_new_file_whole_and_leaves_no_temporary(cli, tmp_path):
    cli.promise("Proposal")
    folder = tmp_path / "out"
    folder.mkdir()
    out = cli.ok("export", "-o", str(folder / "ledger.json"))
    assert out.stderr == f"Exported to {folder / 'ledger.json'}\n"
    assert files_in(folder) == ["ledger.json"]
    assert json.loads((folder / "ledger.json").read_text())["format"] == "expect-ledger"


def test_export_refuses_a_folder_and_a_missing_folder(cli, tmp_path):
    out = cli("export", "-o", str(tmp_path))
    assert (out.exit_code, out.stderr) == (2, f"expect: {tmp_path} is a folder; give a file name to export to\n")
    missing = tmp_path / "nowhere" / "x.json"
    out = cli("export", "-o", str(missing))
    assert out.exit_code == 2 and "no folder" in out.stderr
    assert not missing.parent.exists()


def test_a_failed_export_leaves_the_old_file_and_no_temporary(cli, tmp_path, monkeypatch):
    target = tmp_path / "ledger.json"
    target.write_text("old export\n")
    real_fsync = os.fsync

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    out = cli("export", "-o", str(target), "--force")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert out.exit_code == 2
    assert out.stderr == f"expect: cannot write {target}: No space left on device\n"
    assert target.read_text() == "old export\n"
    assert not [name for name in files_in(tmp_path) if name.endswith(".tmp")]


def test_json_flag_selects_json_and_refuses_another_format(cli, tmp_path):
    cli.promise("Proposal")
    assert cli.json("export")["format"] == "expect-ledger"
    out = cli("export", "--format", "csv", "--json")
    assert (out.exit_code, out.stdout) == (2, "")
    assert out.stderr == "expect: --json writes JSON; leave out --json to export csv\n"
    target = tmp_path / "x.json"
    confirmation = cli.json("export", "-o", str(target))
    assert confirmation == {"exported": str(target), "format": "json", "bytes": target.stat().st_size}


@pytest.mark.parametrize("args", [["--version", "--json"], ["--json", "--version"]])
def test_version_honours_json(cli, args):
    from expectcli import __version__

    assert cli.json(*args) == {"version": __version__}
    assert cli.ok("--version").stdout == f"expect {__version__}\n"


@sqlite_only("the ledger is a file here")
def test_the_installed_program_refuses_the_ledger_too(cli):
    """The fast start-up path reads `-o` and `--force` from the same declaration."""
    cli.promise("Proposal")
    done = run_expect(["export", "--format", "csv", "-o", str(cli.path), "--force"], cli.env())
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"expect: {cli.path} is the ledger itself; export to another file\n"
    assert run_expect(["list"], cli.env()).returncode == 0


def test_a_pipe_or_device_is_written_to_never_replaced(cli, tmp_path):
    cli.promise("Proposal")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    cli.ok("export", "--format", "csv", "-o", str(fifo))
    reader.join(timeout=30)
    assert received and received[0].startswith("id,title,client,")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still the pipe, not a file put in its place
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    cli.ok("export", "-o", "/dev/null", "--force")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_full_device_is_one_line_and_left_a_device(cli):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    out = cli("export", "-o", "/dev/full", "--force")
    assert (out.exit_code, out.stderr) == (2, "expect: cannot write /dev/full: No space left on device\n")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
