"""The commands about clients: client add/list/show/terms and feedback."""

from __future__ import annotations

from expectcli.commands.env import Env
from expectcli.commands.present import drawn_by, present
from expectcli.errors import BadInput


def add(env: Env, handle: str, name: str | None) -> None:
    added = env.ledger().add_client(handle, name)
    if env.json:
        from expectcli.core import serialize

        env.emit(serialize.client(added, env.settings))
        return
    from expectcli.views import render

    env.console().print(render.user(f"Added client {added.handle}"))


def list_clients(env: Env) -> None:
    from expectcli.core import serialize

    empty = "No clients yet; `expect promise TITLE --to CLIENT --due WHEN` adds one."
    present(env, env.reader().clients(), serialize.client, drawn_by("clients_table", env), empty)


def show(env: Env, handle: str) -> None:
    from expectcli.core import clients, serialize

    ledger = env.reader()
    summary = ledger.client(handle)
    active = ledger.promises(client=handle)
    terms = clients.terms_of(summary, env.settings)
    update = clients.update_status(summary, env.settings, env.now)
    if env.json:
        env.emit({
            **serialize.client(summary, env.settings), "terms": clients.terms_json(summary.handle, terms),
            "update_due": serialize.iso(update.due, env.settings) if update else None,
            "update_overdue": bool(update and update.overdue),
            "promises": [serialize.promise(p, env.settings) for p in active],
        })  # fmt: skip
        return
    from expectcli.views import render

    render.client_detail(env.out, summary, terms, update, active, env.settings, env.now)


def terms(
    env: Env,
    handle: str,
    respond_within: str | None,
    update_every: str | None,
    hours: str | None,
    zone: str | None,
    holidays: str | None = None,
    notice: str | None = None,
) -> None:
    from expectcli.core import clients

    changes = clients.parse_terms(respond_within, update_every, hours, zone, holidays, notice)
    ledger = env.ledger()
    if changes:
        ledger.set_terms(handle, changes)
    known = ledger.known_client(handle)
    agreed = clients.terms_of(known, env.settings) if known else clients.default_terms(env.settings)
    if env.json:
        env.emit(clients.terms_json(handle, agreed))
        return
    from expectcli.views import render

    render.terms(env.console(), handle.strip().lower(), agreed, changed=bool(changes))


def feedback(env: Env, client: str, score: str, note: str | None) -> None:
    if not score.strip().isdigit() or not score.strip().isascii():
        raise BadInput(f"{score[:20]!r} is not a score; give a whole number from 0 to 10")
    recorded = env.ledger().add_feedback(client, int(score), note)
    if env.json:
        from expectcli.core import serialize

        env.emit(serialize.event(recorded, env.settings))
        return
    from expectcli.views import render

    env.console().print(render.user(f"Recorded feedback {recorded.score}/10 from {recorded.client}"))


def rename(env: Env, old: str, new: str, new_client: bool = False) -> None:
    renamed = env.ledger().rename_client(old, new, new_client=new_client)
    if env.json:
        from expectcli.core import serialize

        env.emit(serialize.client(renamed, env.settings))
        return
    from expectcli.views import render

    env.console().print(render.user(f"Renamed client {old.strip().lower()} to {renamed.handle}"))


def merge(env: Env, source: str, target: str) -> None:
    merged, moved = env.ledger().merge_clients(source, target)
    if env.json:
        from expectcli.core import serialize

        env.emit({**serialize.client(merged, env.settings), "merged": source.strip().lower(), "moved": moved})
        return
    from expectcli.views import render

    promises = f"{moved} promise" + ("" if moved == 1 else "s")
    env.console().print(render.user(f"Merged client {source.strip().lower()} into {merged.handle} ({promises} moved)"))
