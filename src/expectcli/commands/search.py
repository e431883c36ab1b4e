"""`expect search`: promises by the words of their title, criteria, notes and reasons."""

from __future__ import annotations

from expectcli.commands.env import Env


def search(env: Env, text: list[str], limit: int) -> None:
    from expectcli.core import search as finding
    from expectcli.core import serialize
    from expectcli.core.textsafe import printable

    typed = " ".join(text)  # `expect search send proposal` is `expect search "send proposal"`
    results = finding.search(env.reader(), typed, limit)
    if env.json:
        env.emit([{**serialize.promise(f.promise, env.settings), "matched": list(f.matched)} for f in results.found])
        return
    from expectcli.views import tables

    if not tables.promise_table(env.out, [f.promise for f in results.found], env.settings, env.now):
        env.say(f'No promises match "{printable(typed)}".')
    more = results.total - len(results.found)
    if more:
        env.say(f"… and {more} more (--limit {results.total} shows them all)")
