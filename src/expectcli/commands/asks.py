"""The commands of what a client owes: ask and received."""

from __future__ import annotations

from expectcli.commands.env import Env


def ask(
    env: Env, client: str, title: str, by: str | None = None, blocks: list[int] | None = None, new_client: bool = False
) -> None:
    """'Asked acme for #7 "the signed SOW", needed by Wed 4 Nov 17:00; #3 paused until it comes'."""
    ledger = env.ledger()
    needed_by = None
    if by is not None:
        from expectcli.commands.promises import _calendar

        needed_by = env.when(by, holidays=_calendar(env, ledger, client))
    made, blocked = ledger.ask(client, title, needed_by, blocks or [], new_client=new_client)
    if env.json:
        from expectcli.core import serialize

        env.emit({**ask_json(made, env), "blocked": [serialize.promise(p, env.settings) for p in blocked]})
        return
    from expectcli.core import timefmt
    from expectcli.core.textsafe import printable

    line = f'Asked {printable(made.client)} for #{made.id} "{printable(made.title)}"'
    if made.needed_by is not None:
        line += f", needed by {timefmt.short(made.needed_by, env.settings, env.now)}"
    paused = [p for p in blocked if p.paused_since is not None]
    if paused:
        line += f"; {_ids(paused)} paused until it comes"
    env.say(line)
    late = [p for p in blocked if p.paused_since is None]
    if late:
        env.notice(f"Note: {_ids(late)} already past {'its' if len(late) == 1 else 'their'} deadline: "
                   "blocked, but not paused (a block after the deadline does not un-break a promise)")  # fmt: skip


def received(env: Env, ask: int, at: str | None = None) -> None:
    """'Received #7 "the signed SOW" from acme (Thu 5 Nov 10:00); #3 resumes, new date Tue 10 Nov 17:00'."""
    came = env.when(at, past=True) if at else None
    ledger = env.ledger()
    done, resumed = ledger.receive(ask, came)
    if env.json:
        from expectcli.core import serialize

        env.emit({**ask_json(done, env), "resumed": [serialize.promise(p, env.settings) for p in resumed]})
        return
    from expectcli.core import timefmt
    from expectcli.core.textsafe import printable

    when = lambda moment: timefmt.short(moment, env.settings, env.now)  # noqa: E731
    line = f'Received #{done.id} "{printable(done.title)}" from {printable(done.client)} ({when(done.received_at)})'
    late = done.late_by(env.now)
    if late:
        line += f", {timefmt.span(late)} after it was needed"
    parts = []
    for p in resumed:
        if p.state != "active":
            continue
        if p.paused_since is not None:
            parts.append(f"#{p.id} still waits on another ask")
        else:
            parts.append(f"#{p.id} resumes, new date {when(p.due)}")
    env.say(line + "".join(f"; {part}" for part in parts))


def ask_json(a, env: Env) -> dict:
    from expectcli.core import serialize

    return serialize.ask(a, env.settings, env.now)


def _ids(promises) -> str:
    return ", ".join(f"#{p.id}" for p in promises)
