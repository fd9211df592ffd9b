"""Work a worker does on its heartbeat (every few seconds), registered by the apps above jobs in their
`ready()`: keeping caches warm (reports.warm). A light module, imported at every start: each function
should import what it needs when it runs, be cheap when there is nothing to do, and may raise (the
worker logs the error and goes on)."""

AFTER_BEAT: list = []


def after_each_beat(fn) -> None:
    if fn not in AFTER_BEAT:
        AFTER_BEAT.append(fn)
