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
    date_order = "DMY"           # how slashed dates read: DMY (3/12 = 3 Dec), MDY or YMD
    count_cache = 60             # seconds a prompt's `due --count` may be answered from cache (0: never)
"""

import os
from datetime import time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from expectcli.core.durations import Duration, parse_duration
from expectcli.errors import BadInput

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KNOWN = (
    "timezone", "day_start", "day_end", "week_start", "workdays", "respond_within", "update_every", "holidays",
    "date_order", "count_cache",
)  # fmt: skip
DATE_ORDERS = ("DMY", "MDY", "YMD")


class Settings(NamedTuple):
    """The settings, read and checked once: every field holds its typed value."""

    timezone: str = "UTC"  # an IANA zone name, checked when the file is read
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    week_start: int = 0  # 0 = Monday … 6 = Sunday
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    respond_within: Duration = Duration(1, "bd")
    update_every: Duration | None = None
    holidays: str | None = None  # checked against the holidays package when first used
    date_order: str | None = None  # DMY, MDY or YMD; slashed dates are refused as ambiguous without it
    count_cache: int = 60  # seconds; see expectcli.promptcache

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo keeps one instance per name


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
            data = parsed_toml(raw.decode("utf-8-sig"))  # a byte-order mark, as some editors write, is no error
        except ValueError as exc:  # tomllib.TOMLDecodeError and UnicodeDecodeError are ValueErrors
            reason = " ".join(str(exc).split())
            raise BadInput(f"config file {path} is not valid TOML: {reason}") from None
    return settings_from_dict(data, source=str(path))


PARSED_MAGIC = "expect-config 1"


def parsed_toml(text: str) -> dict:
    """`tomllib.loads(text)`, remembered. Importing tomllib and the patterns it compiles
    costs every command about a fifth of its start, and the config file rarely changes; so
    the parse is kept in the user's cache folder together with the very text it came from,
    and is given again only for exactly that text (any edit is a new parse). A parse JSON
    cannot hold (a TOML date) is not kept; a cache that cannot be read or written only
    costs the parse."""
    import json

    from expectcli.promptcache import private_file

    cache = _parsed_cache()
    try:
        with open(cache, encoding="utf-8") as file:
            magic, kept_text, kept = json.load(file)
        if magic == PARSED_MAGIC and kept_text == text and isinstance(kept, dict):
            return kept
    except (OSError, ValueError, TypeError):
        pass
    import tomllib

    data = tomllib.loads(text)
    try:
        kept = json.dumps([PARSED_MAGIC, text, data], ensure_ascii=False)
    except (TypeError, ValueError):  # a date or time in the file
        return data
    if json.loads(kept)[2] == data:  # what is kept reads back as the same values
        private_file(cache, kept)
    return data


def _parsed_cache() -> str:
    from expectcli.paths import user_dir

    return os.path.join(user_dir("cache"), "config.json")


def settings_from_dict(data: dict, source: str = "config") -> Settings:
    unknown = sorted(set(data) - set(KNOWN))
    if unknown:
        raise BadInput(f"{source}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(KNOWN))})")
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
        raise BadInput(f'{source}: holidays must be a country code like "DE"')
    date_order = data.get("date_order")
    if date_order is not None:
        date_order = str(date_order).strip().upper()
        if date_order not in DATE_ORDERS:
            raise BadInput(f"{source}: date_order must be one of {', '.join(DATE_ORDERS)}, not {data['date_order']!r}")
    count_cache = data.get("count_cache", 60)
    if not isinstance(count_cache, int) or isinstance(count_cache, bool) or not 0 <= count_cache <= 3600:
        raise BadInput(f"{source}: count_cache must be a whole number of seconds from 0 to 3600")
    return Settings(
        timezone,
        day_start,
        day_end,
        week_start,
        workdays,
        respond_within,
        update_every,
        holidays,
        date_order,
        count_cache,
    )


def _duration(value: object, key: str, source: str) -> Duration:
    if not isinstance(value, str):
        raise BadInput(f'{source}: {key} must be a duration in quotes like "1bd" or "4h", not {value!r}')
    try:
        return parse_duration(value)
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
    """`17:00`, `5pm`, `5:30pm`, or a TOML local time (`day_end = 17:00:00`), to the minute."""
    if isinstance(value, time) and value.tzinfo is None:
        return value.replace(second=0, microsecond=0)
    text = value.strip().lower() if isinstance(value, str) else ""
    meridiem = text[-2:] if text.endswith(("am", "pm")) else ""
    hours, colon, minutes = text.removesuffix(meridiem).strip().partition(":")
    if _digits(hours) and (_digits(minutes) and len(minutes) == 2 if colon else meridiem):
        hour, minute = int(hours), int(minutes or 0)
        if meridiem and 1 <= hour <= 12 and minute <= 59:
            return time(hour % 12 + (12 if meridiem == "pm" else 0), minute)
        if not meridiem and hour <= 23 and minute <= 59:
            return time(hour, minute)
    raise BadInput(f"{source}: {key} must be a time like 17:00 or 5pm, not {value!r}")


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _weekday(value: object, key: str, source: str) -> int:
    text = str(value).strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if len(text) >= 3 and name.startswith(text):
            return index
    raise BadInput(f"{source}: {key} must name weekdays like 'monday' or 'mon', not {value!r}")
