"""How a command answers: one line per promise a write touched, a listing, or JSON."""

from __future__ import annotations

from collections.abc import Callable

from expectcli.commands.env import Env


def announce(env: Env, promises: list, verb: str, single: bool = True) -> None:
    """Say what a write did: one line per promise, or its JSON (an object, or a list)."""
    from expectcli.core import serialize
    from expectcli.views import tables

    if env.json:
        items = [serialize.promise(p, env.settings) for p in promises]
        env.emit(items[0] if single else items)
        return
    for p in promises:
        tables.announce(env.out, p, verb, env.settings, env.now)


def present(env: Env, items: list, to_json: Callable, draw: Callable[[list], None], empty: str) -> None:
    """A listing: a JSON array, a line saying it is empty, or `draw(items)`."""
    if env.json:
        env.emit([to_json(item, env.settings) for item in items])
        return
    if not items:
        env.say(empty)
        return
    draw(items)


def drawn_by(table: str, env: Env) -> Callable[[list], None]:
    """Draws items with the `render` table named `table`, importing Rich only when drawing."""

    def draw(items: list) -> None:
        from expectcli.views import render

        getattr(render, table)(env.out, items, env.settings, env.now)

    return draw
