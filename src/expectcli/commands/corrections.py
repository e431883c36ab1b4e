"""The commands that correct the record: edit and note. Each is a plain function of an `Env`
and its converted options."""

from __future__ import annotations

from expectcli.commands.env import Env
from expectcli.commands.present import announce


def edit(
    env: Env,
    id_: int,
    title: str | None,
    to: str | None,
    criteria: str | None,
    kind: str | None,
    tag: list[str],
    untag: list[str],
    new_client: bool = False,
) -> None:
    edited = env.ledger().edit(
        id_, title=title, client=to, criteria=criteria, kind=kind, add_tags=tag, remove_tags=untag,
        new_client=new_client,
    )  # fmt: skip
    announce(env, [edited], "Edited")


def note(env: Env, id_: int, text: str) -> None:
    noted = env.ledger().note(id_, text)
    if env.json:
        from expectcli.core import serialize

        env.emit(serialize.event(noted, env.settings))
        return
    from expectcli.views import render

    env.console().print(render.user(f"Noted on #{noted.promise_id}: {noted.text}"))
