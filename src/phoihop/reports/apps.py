from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "phoihop.reports"
    label = "reports"

    def ready(self):
        # The printed records list (records.listing calls it; records sits below reports). The PDF
        # machinery is imported on the first print, not when every command and server starts.
        from phoihop.records.listing import register_printer

        register_printer(_render_list)
        # A worker rebuilds the running programs' whole reports after each change and forgets the overview's
        # done refreshes (reports.warm).
        from phoihop.jobs.hooks import after_each_beat

        after_each_beat(_warm_reports)


def _render_list(**kwargs) -> bytes:
    from .roster import render_list

    return render_list(**kwargs)


def _warm_reports() -> None:
    from .warm import forget_done_refreshes, warm_current_reports

    warm_current_reports()
    forget_done_refreshes()
