"""The daily period-report reminders as a background job (next to the code it runs; `phoihop worker`
runs it, `phoihop remind` is the same from the command line)."""

from __future__ import annotations

from django_tasks import task

from .remind import remind


@task()
def send_reminders() -> int:
    """The daily period-report reminders (`phoihop remind` as a job): returns how many notifications went out."""
    return remind().notifications
