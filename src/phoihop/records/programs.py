"""Which coordination program a page opens on: asked by the targets grid, the overview, the report page
and the period reports alike (docs/periods.md), so it lives with the `Program` model."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .models import Program


def default_program(*, today: date | None = None, among=None) -> Program | None:
    """The program running today; else the one that ended last; else the newest. `among`: a list of
    programs to choose from (those a user sees); default: every program."""
    today = today or timezone.localdate()
    programs = list(among) if among is not None else list(Program.objects.unscoped().order_by("-starts_on"))
    running = [p for p in programs if p.starts_on <= today <= p.ends_on]
    ended = sorted((p for p in programs if p.ends_on < today), key=lambda p: p.ends_on, reverse=True)
    newest = sorted(programs, key=lambda p: p.starts_on, reverse=True)
    return (sorted(running, key=lambda p: p.starts_on, reverse=True) or ended or newest or [None])[0]
