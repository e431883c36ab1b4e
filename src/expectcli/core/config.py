"""User settings: time zone, working day, first weekday.

Read from a TOML file in the platform's config folder (or the file named by
`EXPECT_CONFIG`)::

    timezone = "Europe/Berlin"   # default: TZ, else the system's zone
    day_start = "09:00"          # start of the working day
    day_end = "17:00"            # a date without a time means this time
    week_start = "monday"        # first day of a report week
    workdays = ["mon", "tue", "wed", "thu", "fri"]
    respond_within = "1bd"       # default response window for inbound requests
    update_every = "1w"          # default status-update cadence (none unless set)
    holidays = "DE"              # skip this country's public holidays in business time
"""

from __future__ import annotations

import os
from datetime import time
from typing import NamedTuple

from expectcli.errors import BadInput

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Settings(NamedTuple):
    timezone: str = "UTC"
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    week_start: int = 0  # 0 = Monday … 6 = Sunday
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    respond_within: str = "1bd"
    update_every: str | None = None
    holidays: str | None = None  # checked against the holidays package when first used


def config_path() -> str:
    """EXPECT_CONFIG, else config.toml in the platform's config folder (a string: importing
    pathlib would cost a prompt's `due --count` several milliseconds)."""
    explicit = os.environ.get("EXPECT_CONFIG")
    if explicit:
        return explicit
    from expectcli.paths import user_dir

    return os.path.join(user_dir("config"), "config.toml")


def load_settings() -> Settings:
    path = config_path()
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        raw = b""
    except OSError as exc:
        raise BadInput(f"cannot read the config file {path}: {exc.strerror}") from None
    data: dict = {}
    if raw.strip():
        try:
            text = raw.decode("utf-8")
            data = _plain_toml(text)
            if data is None:
                import tomllib

                data = tomllib.loads(text)
        except ValueError as exc:  # tomllib.TOMLDecodeError and UnicodeDecodeError are ValueErrors
            raise BadInput(f"config file {path} is not valid TOML: {exc}") from None
    return settings_from_dict(data, source=str(path))


# A config file is a few `key = "text"` lines (workdays a one-line array of them), and a prompt
# reads it before every prompt: such a file is read here, as TOML reads it, anything else by
# tomllib, whose import (with `typing`) costs more than the rest of `due --count` together.
_TEXT = r'"[^"\\\x00-\x1f\x7f]*"'
_PLAIN_LINE = (
    rf"[ \t]*(?:(?P<key>[A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:(?P<text>{_TEXT})"
    rf"|\[(?P<items>(?:[ \t]*{_TEXT}[ \t]*,)*(?:[ \t]*{_TEXT})?[ \t]*)\]))?"
    r"[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?"
)


def _plain_toml(text: str) -> dict | None:
    """`text` as tomllib would read it, if it holds only plain lines; else None."""
    import re

    data: dict = {}
    for line in text.split("\n"):
        match = re.fullmatch(_PLAIN_LINE, line.removesuffix("\r"))
        if match is None or match["key"] in data:
            return None
        if match["text"] is not None:
            data[match["key"]] = match["text"][1:-1]
        elif match["key"] is not None:
            data[match["key"]] = [item[1:-1] for item in re.findall(_TEXT, match["items"])]
    return data


def settings_from_dict(data: dict, source: str = "config") -> Settings:
    known = {"timezone", "day_start", "day_end", "week_start", "workdays", "respond_within", "update_every", "holidays"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise BadInput(f"{source}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})")
    timezone = data.get("timezone") or _system_timezone()
    check_timezone(timezone, source)
    day_start = _clock(data.get("day_start", "09:00"), "day_start", source)
    day_end = _clock(data.get("day_end", "17:00"), "day_end", source)
    if day_end <= day_start:
        raise BadInput(f"{source}: day_end must be later than day_start")
    week_start = _weekday(data.get("week_start", "monday"), "week_start", source)
    workdays_raw = data.get("workdays", ["mon", "tue", "wed", "thu", "fri"])
    if not isinstance(workdays_raw, list) or not workdays_raw:
        raise BadInput(f"{source}: workdays must be a non-empty list of weekday names")
    workdays = tuple(sorted({_weekday(d, "workdays", source) for d in workdays_raw}))
    respond_within = _duration(data.get("respond_within", "1bd"), "respond_within", source)
    update_every = _duration(data["update_every"], "update_every", source) if "update_every" in data else None
    holidays = data.get("holidays") or None
    if holidays is not None and not isinstance(holidays, str):
        raise BadInput(f"{source}: holidays must be a country code like \"DE\"")
    return Settings(timezone, day_start, day_end, week_start, workdays, respond_within, update_every, holidays)


def _duration(value: object, key: str, source: str) -> str:
    from expectcli.core.dates import parse_duration

    try:
        return str(parse_duration(str(value)))
    except BadInput as exc:
        raise BadInput(f"{source}: {key}: {exc}") from None


def _system_timezone() -> str:
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and _is_zone(tz):
        return tz
    try:
        link = os.readlink("/etc/localtime")
    except OSError:
        link = ""
    if "zoneinfo/" in link:
        name = link.split("zoneinfo/", 1)[1]
        if _is_zone(name):
            return name
    try:
        with open("/etc/timezone") as file:
            name = file.read().strip()
    except OSError:
        name = ""
    if name and _is_zone(name):
        return name
    return "UTC"


def _is_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_timezone(name: object, source: str) -> None:
    if not isinstance(name, str) or not _is_zone(name):
        raise BadInput(f"{source}: unknown time zone {name!r} (use an IANA name like Europe/Berlin)")


def _clock(value: object, key: str, source: str) -> time:
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise BadInput(f"{source}: {key} must be a time like 17:00, not {value!r}") from None


def _weekday(value: object, key: str, source: str) -> int:
    text = str(value).strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if len(text) >= 3 and name.startswith(text):
            return index
    raise BadInput(f"{source}: {key} must name weekdays like 'monday' or 'mon', not {value!r}")
