"""The commands that record what happens to promises: promise, done, move, release, reopen,
inbound and undo. Each is a plain function of an `Env` and its converted options."""

from __future__ import annotations

from expectcli.commands.env import Env
from expectcli.commands.present import announce


def promise(env: Env, title: str, to: str, due: str, criteria: str | None, kind: str, tag: list[str]) -> None:
    created = env.ledger().promise(title, to, env.when(due), criteria=criteria, kind=kind, tags=tag)
    announce(env, [created], "Promised")


def done(env: Env, ids: list[int], at: str | None, note: str | None) -> None:
    delivered_at = env.when(at) if at else None
    delivered = env.ledger().deliver(ids, delivered_at, note)
    announce(env, delivered, "Delivered", single=False)


def move(env: Env, id_: int, when: str, reason: str) -> None:
    moved = env.ledger().move(id_, env.when(when), reason)
    announce(env, [moved], "Moved")


def release(env: Env, id_: int, reason: str) -> None:
    released = env.ledger().release(id_, reason)
    announce(env, [released], "Released")


def reopen(env: Env, id_: int) -> None:
    reopened = env.ledger().reopen(id_)
    announce(env, [reopened], "Reopened")


def inbound(env: Env, client: str, title: str, at: str | None, tag: list[str]) -> None:
    from expectcli.core import clients

    arrived = env.when(at) if at else env.now
    created = clients.record_inbound(env.ledger(), client, title, arrived, env.settings, tags=tag)
    announce(env, [created], "Promised")


def undo(env: Env) -> None:
    undone = env.ledger().undo()
    if env.json:
        from expectcli.core import serialize

        env.emit({"undone": serialize.event(undone, env.settings)})
        return
    from expectcli.views import render

    render.undone(env.console(), undone, env.settings, env.now)
