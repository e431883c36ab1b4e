"""Answering the shell's Tab without loading Typer: bash, zsh and fish.

`expect --install-completion` (Typer's) installs a small script into the shell. On every Tab
that script runs the program with `_EXPECT_COMPLETE=complete_bash` (or `_zsh`, `_fish`; the
variable is `_EXPECTCLI_COMPLETE` under the other name) and the words typed so far, and reads
the candidates back in the shell's own format. Loading Typer alone would take most of the
time a Tab can afford, so the candidates are worked out here, from the same declaration the
command line is built from (`cli/spec.py`): the command and group names, the options of the
command being typed, and the values a parameter declares (`complete`: its choices, client
handles, open promise ids with their titles). PowerShell and the installation itself stay
with Typer. A completion never fails loudly and never creates a ledger: it offers nothing.
"""

from __future__ import annotations

import os
import sys

SHELLS = ("complete_bash", "complete_zsh", "complete_fish")
LIMIT = 200  # open promises offered at most, soonest due first: more is no help on a screen


def request() -> str | None:
    """The shell's request (`complete_bash`, …) if this run answers a Tab handled here."""
    for name, value in os.environ.items():
        if name.startswith("_") and name.endswith("_COMPLETE") and value in SHELLS:
            return value
    return None


def main(shell: str) -> int:
    """Print the candidates for the words in the environment, in `shell`'s format; the exit
    status fish's `is-args` question expects."""
    args, incomplete = _words(shell)
    try:
        offered = candidates(args, incomplete)
    except Exception:  # noqa: BLE001 - a Tab offers nothing rather than an error
        offered = []
    files = offered is None
    offered = offered or []
    if shell == "complete_bash":
        sys.stdout.write("".join(f"{value}\n" for value, _ in offered))
    elif shell == "complete_zsh":
        sys.stdout.write(_zsh(offered) if offered else "_files" if files else "")
    else:
        action = os.environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return 0 if offered else 1
        sys.stdout.write("".join(f"{value}\t{text}\n" if text else f"{value}\n" for value, text in offered))
    return 0


def _words(shell: str) -> tuple[list[str], str]:
    """The words before the one being completed, and that one, as each shell passes them."""
    import shlex

    if shell == "complete_bash":
        words = _split(os.environ.get("COMP_WORDS", ""), shlex)
        try:
            index = int(os.environ.get("COMP_CWORD", ""))
        except ValueError:
            index = len(words)
        return words[1:index], words[index] if 0 <= index < len(words) else ""
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = _split(line, shlex)[1:]
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def _split(line: str, shlex) -> list[str]:
    """Shell words; an unfinished quote is taken as closed."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=False)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        for word in lexer:
            words.append(word)
    except ValueError:  # no closing quotation: keep what the lexer had
        if lexer.token:
            words.append(lexer.token)
    return words


def candidates(args: list[str], incomplete: str) -> list[tuple[str, str]] | None:
    """(value, description) pairs for the word being typed; None where a file name goes."""
    from expectcli.cli.spec import BY_PATH, COMMANDS, GLOBAL, GROUPS

    global_options = {flag: p for p in GLOBAL if not p.hidden for flag in p.flags}
    path: list[str] = []
    command = None
    expecting = None
    positional: list[str] = []
    db = None
    for word in args:
        if expecting is not None:
            if expecting.name == "db":
                db = word
            expecting = None
            continue
        if word.startswith("-") and word != "-":
            name, has_value, value = word.partition("=")
            param = (command.options() if command else global_options).get(name)
            if param is not None and param.name == "db" and has_value:
                db = value
            if param is not None and not param.flag and not has_value:
                expecting = param
            continue
        if command is None:
            path.append(word)
            command = BY_PATH.get(tuple(path))
            if command is None and " ".join(path) not in GROUPS:
                return []
        else:
            positional.append(word)
    if expecting is not None:
        return _values(expecting, incomplete, db)
    if incomplete.startswith("-"):
        options = command.options() if command else global_options
        seen = {}
        for flag, param in options.items():
            if flag.startswith(incomplete) and not param.hidden and flag.startswith("--"):
                seen.setdefault(flag, _first_line(param.help))
        return sorted(seen.items())
    if command is None:
        depth = len(path)
        names: dict[str, str] = {}
        for other in COMMANDS:
            if list(other.path[:depth]) == path and len(other.path) > depth:
                word = other.path[depth]
                group = " ".join(other.path[: depth + 1])
                names.setdefault(word, GROUPS.get(group) if len(other.path) > depth + 1 else other.help)
        return [(name, _first_line(help or "")) for name, help in sorted(names.items()) if name.startswith(incomplete)]
    arguments = command.arguments()
    if not arguments:
        return []
    index = len(positional)
    param = arguments[index] if index < len(arguments) else arguments[-1] if arguments[-1].multiple else None
    return _values(param, incomplete, db) if param is not None else []


def _values(param, incomplete: str, db: str | None) -> list[tuple[str, str]] | None:
    if param.complete == "choices":
        return [(choice, "") for choice in param.choices if choice.startswith(incomplete.lower())]
    if param.complete == "files":
        return None
    if param.complete in ("clients", "promises", "asks"):
        from expectcli.core import lookup

        ledger = _open(db)
        if ledger is None:
            return []
        try:
            if param.complete == "clients":
                return [(handle, "") for handle in lookup.client_handles(ledger, incomplete.lower())]
            if param.complete == "asks":
                return lookup.waiting_titles(ledger, incomplete.lstrip("#"), LIMIT)
            return lookup.open_titles(ledger, incomplete.lstrip("#"), LIMIT)
        finally:
            ledger.store.close()
    return []


def _open(db: str | None):
    """The ledger named on the line being completed (or the default); None when there is none
    (completing never creates one)."""
    from expectcli.commands.env import Env
    from expectcli.storage.store import sqlite_file

    env = Env(db=db)
    file = sqlite_file(env.location)
    if file is not None and not os.path.exists(file):
        return None
    return env.ledger()


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


def _zsh(offered: list[tuple[str, str]]) -> str:
    def escape(text: str) -> str:
        return text.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`").replace(":", r"\\:")

    items = [f'"{escape(value)}":"{escape(text)}"' if text else f'"{escape(value)}"' for value, text in offered]
    return "_arguments '*: :((" + "\n".join(items) + "))'"
