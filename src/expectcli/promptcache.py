"""The prompt's answer, remembered: `expect due --count` without opening the ledger.

A shell prompt runs `expect due --count` before every prompt. Its answer changes only when
the ledger is written or when time moves a promise into another section, so the answer is
kept in a small per-user file and given again while both still hold:

- **No write since.** The entry records the size and modification time (in nanoseconds) of
  the files a SQLite ledger is made of (the database and its `-wal`) and of the config file;
  any write changes one of them, and a changed stamp is a miss. A database server's ledger
  has no file to look at: every command this user runs drops the cached answers, and a
  colleague's write on another machine is seen when the entry expires (see below).
- **No time effect.** An entry is stored only when the command gives the same answer at
  now and at the end of its lifetime (now + `count_cache` seconds, 60 by default), asked of
  the same snapshot of the ledger. Each promise only ever moves forward through the
  sections the line counts (due soon → overdue), and every count of the line only grows as
  time passes, so equal answers at both ends mean the same answer all the way between.
  When something is about to change (a deadline inside the next minute), nothing is stored
  and every prompt asks the ledger.

An answer for another moment (`--now`, `EXPECT_NOW`) is never cached. Lookup costs a few
`stat` calls and one small read, and imports nothing beyond the standard library's `os`,
`sys` and `zlib`: this module is loaded before anything else on the prompt path.
"""

from __future__ import annotations

import os

MAGIC = "expect-count 1"


def wanted(args: list[str]) -> bool:
    """Whether this command line is a prompt's count that may be answered from the cache."""
    return (
        len(args) >= 2
        and args[0] == "due"
        and "--count" in args
        and not any(arg == "--now" or arg.startswith("--now=") or arg == "--debug" for arg in args)
        and not os.environ.get("EXPECT_NOW")
    )


def folder() -> str:
    """This user's cache folder for expect (XDG_CACHE_HOME on Linux, else platformdirs')."""
    from expectcli.paths import user_dir

    return os.path.join(user_dir("cache"), "counts")


def key(args: list[str]) -> str:
    """What the answer depends on besides the ledger's content and the time: the command
    line (paths made absolute), the ledger and config named by the environment, the zone."""
    parts = []
    previous = ""
    for arg in args:
        if previous == "--db" and "://" not in arg:
            arg = os.path.abspath(os.path.expanduser(arg))
        elif arg.startswith("--db=") and "://" not in arg:
            arg = "--db=" + os.path.abspath(os.path.expanduser(arg[5:]))
        parts.append(arg)
        previous = arg
    environment = []
    for name in ("EXPECT_DB", "EXPECT_CONFIG", "TZ", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "HOME"):
        value = os.environ.get(name)
        if value and name in ("EXPECT_DB", "EXPECT_CONFIG") and "://" not in value:
            value = os.path.abspath(os.path.expanduser(value))
        environment.append(f"{name}={value}")
    return repr(([_secretless(part) for part in parts], [_secretless(item) for item in environment]))


def _secretless(text: str) -> str:
    """A URL that may carry a password, replaced by a checksum: the key is written into
    the cache file, and no file may hold a password."""
    if "@" not in text and "password" not in text:
        return text
    import zlib

    return f"url#{zlib.crc32(text.encode('utf-8', 'surrogatepass')):08x}{len(text)}"


def _file(entry_key: str) -> str:
    import zlib

    return os.path.join(folder(), f"{zlib.crc32(entry_key.encode('utf-8', 'surrogatepass')):08x}")


def stamp(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "-"
    return f"{info.st_mtime_ns}:{info.st_size}"


def lookup(args: list[str], clock: float) -> tuple[int, str] | None:
    """(exit status, output) remembered for `args`, if still true at `clock`; else None."""
    entry_key = key(args)
    try:
        with open(_file(entry_key), encoding="utf-8", newline="") as cached:
            text = cached.read()
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.split("\n", 5)
    if len(lines) < 6 or lines[0] != MAGIC or lines[1] != entry_key:
        return None
    try:
        valid_until, status = float(lines[2]), int(lines[3])
    except ValueError:
        return None
    if not clock < valid_until:
        return None
    stamps, output = lines[4], lines[5]
    for item in stamps.split("\t") if stamps else ():
        path, _, expected = item.rpartition("=")
        if stamp(path) != expected:
            return None
    return status, output


def store(args: list[str], files: list[str], stamps: list[str], valid_until: float, status: int, output: str) -> None:
    """Remember the answer (atomically: a reader sees the old entry or the new one)."""
    if any("\t" in path or "\n" in path or "=" in os.path.basename(path) for path in files):
        return
    entry_key = key(args)
    target = _file(entry_key)
    recorded = "\t".join(f"{path}={value}" for path, value in zip(files, stamps, strict=True))
    text = "\n".join([MAGIC, entry_key, repr(valid_until), str(status), recorded, output])
    private_file(target, text)


def private_file(target: str, text: str) -> None:
    """Write `text` to `target` in this user's cache, readable by this user only, atomically
    (a reader sees the old file or the new one); a cache that cannot be written is only slower."""
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        _private_folders(os.path.dirname(target))
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, target)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def _private_folders(path: str) -> None:
    """Create `path` and any missing folder above it, each readable by this user only."""
    missing = []
    while path and not os.path.isdir(path):
        missing.append(path)
        path = os.path.dirname(path)
    for folder_path in reversed(missing):
        try:
            os.mkdir(folder_path, 0o700)
        except FileExistsError:
            pass
        os.chmod(folder_path, 0o700)


def forget() -> None:
    """Drop every remembered answer (after any other command: it may have written)."""
    try:
        names = os.listdir(folder())
    except OSError:
        return
    for name in names:
        try:
            os.unlink(os.path.join(folder(), name))
        except OSError:
            pass


def answer(args: list[str], ask, files: list[str], seconds: int, clock: float) -> tuple[int, str, str]:
    """Ask (`ask(moment)` → (status, output, errors) for the ledger as it is, at epoch
    `moment`) at `clock`; remember the answer if it is also the answer at `clock + seconds`
    and nothing was said on stderr."""
    stamps = [stamp(path) for path in files]  # before reading: a write meanwhile is then a miss
    status, output, errors = ask(int(clock))
    if seconds > 0 and status in (0, 1) and not errors:
        later = ask(int(clock) + seconds)
        if later == (status, output, errors) and [stamp(path) for path in files] == stamps:
            store(args, files, stamps, clock + seconds, status, output)
    return status, output, errors
