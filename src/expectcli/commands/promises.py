"""The commands that record what happens to promises: promise, done, move, release, reopen,
inbound and undo. Each is a plain function of an `Env` and its converted options."""

from __future__ import annotations

from expectcli.commands.env import Env
from expectcli.commands.present import announce


def promise(
    env: Env, title: str, to: str, due: str, criteria: str | None, kind: str, tag: list[str], new_client: bool = False,
    every: str | None = None,
) -> None:  # fmt: skip
    if every is not None:
        from expectcli.core.recurring import parse_period

        parse_period(every)  # refused before the ledger is opened
    ledger = env.ledger()
    holidays = _calendar(env, ledger, to)
    deadline, named_day = env.reading(due, holidays=holidays)
    created = ledger.promise(
        title, to, deadline, criteria=criteria, kind=kind, tags=tag, new_client=new_client, every=every,
        basis=_basis(due),
    )  # fmt: skip
    announce(env, [created], "Promised")
    _note_non_working(env, named_day, holidays)


def done(env: Env, ids: list[int], at: str | None, note: str | None) -> None:
    delivered_at = env.when(at, past=True) if at else None
    ledger = env.ledger()
    ledger.settings = env.settings  # the zone and calendar a recurring series steps in
    delivered = ledger.deliver(ids, delivered_at, note)
    _closed(env, delivered, ledger.recorded_next, "Delivered", single=False)


def move(env: Env, id_: int, when: str, reason: str, message: bool = False) -> None:
    """Relative amounts (`+1d`, `2bd`) count from the deadline in force, not from now. With
    `message`, a note for the client follows (in JSON, as `message`)."""
    ledger = env.ledger()
    current = ledger.get(id_)
    holidays = _calendar(env, ledger, current.client)
    deadline, named_day = env.reading(when, base=current.due, holidays=holidays)
    moved = ledger.move(id_, deadline, reason, basis=_basis(when))
    note = _client_message(env, ledger, current, moved, reason) if message else None
    if env.json and note is not None:
        from expectcli.core import serialize

        env.emit({**serialize.promise(moved, env.settings), "message": note})
    else:
        announce(env, [moved], "Moved")
    if deadline < current.due and not env.json:
        from expectcli.core import timefmt

        was = timefmt.short(current.due, env.settings, env.now)
        env.say(f"Moved #{moved.id} earlier by {timefmt.span(current.due - deadline)}: it was due {was}.")
    _note_non_working(env, named_day, holidays)
    if note is not None and not env.json:
        from expectcli.views import tables

        env.out.blank()
        env.out.line(*tables.user(note))


def _client_message(env: Env, ledger, before, moved, reason: str) -> str:
    """The note for the client about a move: its name (else its handle), dates on its clock."""
    from expectcli.core import clients, notice

    client = ledger.client(moved.client)
    shown = env.settings._replace(timezone=clients.terms_of(client, env.settings).timezone)
    return notice.move_message(client.name or client.handle, moved.title, before.due, moved.due, reason.strip(), shown,
                               env.now)  # fmt: skip


def release(env: Env, id_: int, reason: str, series: bool = False) -> None:
    ledger = env.ledger()
    ledger.settings = env.settings
    released = ledger.release(id_, reason, series=series)
    _closed(env, [released], ledger.recorded_next, "Released", single=True)
    if series and not env.json:
        env.say(f"The series ends with #{released.id}: no next occurrence is recorded.")


def reopen(env: Env, id_: int) -> None:
    ledger = env.ledger()
    reopened = ledger.reopen(id_)
    announce(env, [reopened], "Reopened")
    if reopened.every is not None:
        from expectcli.core import recurring

        series = recurring.series_of(ledger, reopened.id)
        if series is not None and series.next is not None:
            env.notice(
                f"Note: the series' next occurrence #{series.next} stays recorded;"
                f" delivering #{reopened.id} again records no other."
            )


def _closed(env: Env, closed: list, recorded_next: dict, verb: str, single: bool) -> None:
    """Say what `done` or `release` did: each promise closed, and the next occurrence a
    recurring one recorded (in JSON, as its `next`: an object, or null for a one-off)."""
    if env.json:
        from expectcli.core import serialize

        items = [{**serialize.promise(p, env.settings),
                  "next": serialize.promise(recorded_next[p.id], env.settings) if p.id in recorded_next else None}
                 for p in closed]  # fmt: skip
        env.emit(items[0] if single else items)
        return
    for p in closed:
        announce(env, [p], verb)
        if p.id in recorded_next:
            announce(env, [recorded_next[p.id]], "  Next:")


def inbound(env: Env, client: str, title: str, at: str | None, tag: list[str], new_client: bool = False) -> None:
    from expectcli.core import clients

    arrived = env.when(at, past=True) if at else env.now
    created = clients.record_inbound(
        env.ledger(), client, title, arrived, env.settings, tags=tag, new_client=new_client
    )
    announce(env, [created], "Promised")


def undo(env: Env, any_: bool = False) -> None:
    undone = env.ledger().undo(any_author=any_)
    if env.json:
        from expectcli.core import serialize

        env.emit({
            "undone": serialize.event(undone.events[0], env.settings),
            "events": [serialize.event(event, env.settings) for event in undone.events],
            "command": {"name": undone.name, "author": undone.author,
                        "recorded_at": serialize.iso(undone.recorded_at, env.settings)},
        })  # fmt: skip
        return
    from expectcli.views import render

    render.undone(env.console(), undone, env.settings, env.now)


def _basis(typed: str) -> str | None:
    """ "bd" for a deadline typed in business days (`+2bd`): a pause then extends it in business time."""
    from expectcli.core.asks import business_days_form

    return "bd" if business_days_form(typed) else None


def _calendar(env: Env, ledger, client: str) -> str:
    """The public holidays a deadline for `client` skips ("" for none): the client's, else the config's."""
    from expectcli.core import clients

    return clients.calendar_of(ledger, client, env.settings) or ""


def _note_non_working(env: Env, day, holidays: str) -> None:
    """One line on stderr when a deadline typed as a date falls on a weekend or a holiday."""
    if day is None:
        return
    import sys

    from expectcli.core.dates import non_working_note

    note = non_working_note(day, env.settings, holidays)
    if note:
        sys.stderr.write(f"Note: {note}; the deadline stands as given.\n")
