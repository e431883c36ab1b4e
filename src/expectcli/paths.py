"""The user's data and config folders for `expect`.

platformdirs knows every platform's conventions, but importing it (with the pathlib,
tempfile and shutil it pulls in) costs a prompt hook several milliseconds. On Linux and the
other XDG systems the answer is two environment variables and a fallback, so that case is
worked out here — exactly as platformdirs does it, which a test checks — and every other
platform asks platformdirs.
"""

from __future__ import annotations

import os
import sys

APP = "expect"
_XDG = {
    "data": ("XDG_DATA_HOME", "~/.local/share"),
    "config": ("XDG_CONFIG_HOME", "~/.config"),
    "cache": ("XDG_CACHE_HOME", "~/.cache"),
}


def user_dir(kind: str) -> str:
    """The folder for `kind` ("data", "config" or "cache") of this user."""
    if _is_xdg():
        variable, fallback = _XDG[kind]
        base = os.environ.get(variable, "")
        return os.path.join(base if base.strip() else os.path.expanduser(fallback), APP)
    import platformdirs

    find = {"data": platformdirs.user_data_dir, "config": platformdirs.user_config_dir}.get(
        kind, platformdirs.user_cache_dir
    )
    return find(APP, appauthor=False)


def _is_xdg() -> bool:
    """Plain Unix as platformdirs sees it: not macOS, Windows or Android."""
    if sys.platform in ("darwin", "win32", "cygwin", "android", "ios"):
        return False
    return "ANDROID_DATA" not in os.environ and "ANDROID_ROOT" not in os.environ
