"""What every command runs with: the global options resolved into settings, now and the
ledger, each worked out (and its modules imported) only when a command first asks for it."""

from __future__ import annotations

import os
import sys
from datetime import UTC
from typing import Any


class Env:
    def __init__(
        self, db: str | None = None, json: bool = False, now_text: str | None = None, debug: bool = False,
        no_pager: bool = False,
    ):  # fmt: skip
        self.db = db
        self.json = json
        self.now_text = now_text
        self.debug = debug
        self.no_pager = no_pager
        self.command = "write"  # the name of the command running (`spec.run` sets it); each write records it
        self._cache: dict = {}

    @property
    def settings(self):
        if "settings" not in self._cache:
            from expectcli.core.config import load_settings

            self._cache["settings"] = load_settings()
        return self._cache["settings"]

    @property
    def now(self) -> int:
        """Now as UTC epoch seconds, in whole minutes: `--now` / EXPECT_NOW, else the clock."""
        if "now" not in self._cache:
            from expectcli.core import dates

            real = dates.now_utc()
            text = self.now_text or os.environ.get("EXPECT_NOW")
            moment = dates.parse_when(text, real, self.settings) if text else real
            self._cache["now"] = int(moment.timestamp())
        return self._cache["now"]

    @property
    def location(self) -> str:
        from expectcli.storage.store import resolve_location

        return resolve_location(self.db)

    def ledger(self):
        """The ledger, to read and write (a reader opened before is taken over, same store)."""
        from expectcli.core.ledger import Ledger

        opened = self._cache.get("ledger")
        if not isinstance(opened, Ledger):
            if opened is None:
                from expectcli.core.ledger import open_ledger
                from expectcli.storage.store import location_given

                ledger = open_ledger(self.location, self.now, create=not location_given(self.db))
            else:
                ledger = Ledger(opened.store, opened.now)
            ledger.command_name = self.command
            ledger.notify = self.notice
            self._cache["ledger"] = ledger
        return self._cache["ledger"]

    def reader(self):
        """The ledger for a command that writes nothing (`queries.Queries`): the journal's
        write path is not loaded."""
        if "ledger" not in self._cache:
            from expectcli.core.opening import open_reader
            from expectcli.storage.store import location_given

            self._cache["ledger"] = open_reader(self.location, self.now, create=not location_given(self.db))
        return self._cache["ledger"]

    def cached_files(self) -> list[str]:
        """The files whose change may change any answer: a SQLite ledger's database and
        write-ahead log, the config file, the system's zone (see `expectcli.promptcache`)."""
        from expectcli.core.config import config_path
        from expectcli.storage.store import sqlite_file

        file = sqlite_file(self.location)
        ledger = [os.path.abspath(file), os.path.abspath(file) + "-wal"] if file is not None else []
        return [*ledger, os.path.abspath(config_path()), "/etc/localtime"]

    @staticmethod
    def notice(line: str) -> None:
        """One line for the user on stderr (a notice, not an error)."""
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def opened_server(self) -> bool:
        """Whether a ledger on a database server (not a SQLite file) was opened."""
        ledger = self._cache.get("ledger")
        return ledger is not None and ledger.store.dialect != "sqlite"

    def close(self) -> None:
        """Close the ledger if one was opened (a server connection is not left to the garbage collector)."""
        ledger = self._cache.pop("ledger", None)
        if ledger is not None:
            ledger.store.close()

    def when(self, text: str, *, past: bool = False, base: int | None = None, holidays: str | None = None) -> int:
        """A user's date/time expression as UTC epoch seconds (whole minutes).

        `past`: the field is in the past by nature (`done --at`, `inbound --at`), so a bare
        weekday or `fri 16:30` means the most recent one. `base`: relative amounts (`+1d`,
        `2bd`) count from it (the deadline in force, for `move`). `holidays`: the public
        holidays business days skip (a client's calendar), instead of the config's."""
        return self.reading(text, past=past, base=base, holidays=holidays)[0]

    def reading(
        self, text: str, *, past: bool = False, base: int | None = None, holidays: str | None = None
    ) -> tuple[int, object]:
        """`when`, with the local date the user named explicitly (or None), for the deadline
        warnings: (epoch seconds, date or None)."""
        from datetime import datetime

        from expectcli.core import dates

        settings = self.settings if holidays is None else self.settings._replace(holidays=holidays)
        start = datetime.fromtimestamp(base, UTC) if base is not None else None
        reading = dates.read_when(text, datetime.fromtimestamp(self.now, UTC), settings, past=past, base=start)
        return int(reading.moment.timestamp()), reading.explicit_day

    def past(self, text: str) -> int:
        """A moment in the past by nature (`--at` of something that happened)."""
        return self.when(text, past=True)

    def bound(self, text: str, end: bool = False) -> int:
        """A period boundary (`--since`/`--until`) as UTC epoch seconds: a whole day counts
        from its start, or with `end` to its end; looking back, a bare weekday is the latest."""
        from datetime import datetime

        from expectcli.core import dates

        moment = dates.parse_bound(text, datetime.fromtimestamp(self.now, UTC), self.settings, end=end)
        return int(moment.timestamp())

    @property
    def out(self):
        """Where lines and tables for people go (plain, or through Rich when it must)."""
        if "out" not in self._cache:
            from expectcli.views.output import Output, pager_command

            self._cache["out"] = Output(pager=None if self.json else pager_command(self.no_pager))
        return self._cache["out"]

    def finish_output(self) -> None:
        """Write what is held for a terminal's screen, or wait for the pager to be quit."""
        out = self._cache.get("out")
        if out is not None:
            out.close()

    def console(self):
        """The Rich console, for the views that draw with Rich."""
        return self.out.console

    def emit(self, payload: Any) -> None:
        import json

        self._write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")

    def say(self, line: str) -> None:
        """One plain line on stdout (no styling, nothing to escape)."""
        self._write(line + "\n")
        if "out" not in self._cache:
            sys.stdout.flush()

    def _write(self, text: str) -> None:
        """To stdout, after (and through the pager with) anything already written for people."""
        out = self._cache.get("out")
        if out is not None:
            out.write(text)
        else:
            sys.stdout.write(text)
