"""Reminders and notifications of periods.md: reports due within 7 days, overdue, returned, and
awaiting the reader's approval — in the staff site's notifications and by e-mail (Django's e-mail
settings: the console by default, SMTP by EMAIL_URL).

Each reminder is sent once per state change: its key names the kind, the unit's report and the moment
the act that led to its status (a unit that never acted: its draft state), so running `phoihop remind` twice a
day, or every day, sends nothing new until something changes (or a due-soon report becomes overdue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.models import User
from phoihop.records.models import Program

from .models import Notification, PeriodReport, Status
from .selectors import Period, periods_of, reporting_units, reports_to

DUE_SOON_DAYS = 7
# Overdue reminders stop a year after the program ended (an old program's missing reports are history).
OVERDUE_HORIZON_DAYS = 365
SUBMITTERS = (User.Role.EDITOR, User.Role.MANAGER, User.Role.ADMIN)
DECIDERS = (User.Role.MANAGER, User.Role.ADMIN)


@dataclass
class Sent:
    notifications: int = 0
    emails: int = 0
    lines: list[str] = field(default_factory=list)


def _url(program: Program, period: Period | str, unit_code: str) -> str:
    code = period if isinstance(period, str) else period.code
    return reverse("periods:unit", args=[program.code, code, unit_code])


def _state_key(report: PeriodReport | None) -> str:
    """Names the report's current state: its status and the act that led to it (acts are numbered, so two
    changes within the same second still differ)."""
    if report is None:
        return "draft"
    last = report.actions.order_by("-pk").values_list("pk", flat=True).first()
    return f"{report.status}-{last or 0}"


def notify(users, *, key: str, text: str, url: str, sent: Sent | None = None, email: bool = True) -> Sent:
    """One notification per user and key; a new one is e-mailed when the user has an address."""
    sent = sent or Sent()
    for user in users:
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, key=key, text=text[:500], url=url)
        except IntegrityError:
            continue  # already told about this state
        sent.notifications += 1
        sent.lines.append(f"{user.get_username()}: {text}")
        if email and user.email:
            send_mail(
                subject=f"[phoihop] {text[:120]}",
                message=f"{text}\n\n{settings.SITE_URL.rstrip('/')}{url}"
                if getattr(settings, "SITE_URL", "")
                else text,
                from_email=None,
                recipient_list=[user.email],
                fail_silently=False,
            )
            Notification.objects.filter(user=user, key=key).update(emailed=True)
            sent.emails += 1
    return sent


def submitters(unit) -> list[User]:
    return list(User.objects.filter(unit=unit, role__in=SUBMITTERS, is_active=True))


def deciders(unit) -> list[User]:
    return list(User.objects.filter(unit=unit, role__in=DECIDERS, is_active=True))


def on_state_change(report: PeriodReport) -> None:
    """Called by the services after submit / approve / return / unlock: tells the people who act next."""
    program, unit = report.program, report.unit
    url = _url(program, report.period, unit.code)
    key = f"{program.code}:{report.period}:{unit.code}:{_state_key(report)}"  # as remind() names it
    names = {"program": program.code, "period": report.period, "unit": unit.name}
    if report.status == Status.SUBMITTED:
        above = reports_to(program, unit, report.date_to)
        text = _("Báo cáo kỳ %(period)s (%(program)s) của %(unit)s đang chờ bạn duyệt.") % names
        notify(deciders(above) if above else [], key="await:" + key, text=text, url=url)
    elif report.status == Status.RETURNED:
        text = _("Báo cáo kỳ %(period)s (%(program)s) của %(unit)s bị trả lại: %(comment)s") % {
            **names,
            "comment": report.comment,
        }
        notify(submitters(unit), key="returned:" + key, text=text, url=url)
    elif report.status == Status.APPROVED:
        text = _("Báo cáo kỳ %(period)s (%(program)s) của %(unit)s đã được duyệt.") % names
        notify(submitters(unit), key="approved:" + key, text=text, url=url, email=False)


def remind(*, today: date | None = None) -> Sent:
    """The daily run: due within 7 days, overdue, returned, awaiting approval."""
    today = today or timezone.localdate()
    sent = Sent()
    horizon = today - timedelta(days=OVERDUE_HORIZON_DAYS)
    for program in (
        Program.objects.unscoped().filter(ends_on__gte=horizon).select_related("union_root", "party_root")
    ):
        for period in periods_of(program):
            if period.date_from > today:
                continue
            due_soon = today <= period.due <= today + timedelta(days=DUE_SOON_DAYS)
            overdue = period.due < today
            reports = {
                r.unit_id: r
                for r in PeriodReport.objects.unscoped().filter(program=program, period=period.code)
            }
            waiting = [r for r in reports.values() if r.status == Status.SUBMITTED]
            if not (
                due_soon or overdue or waiting or any(r.status == Status.RETURNED for r in reports.values())
            ):
                continue
            for reporter in reporting_units(program, period):
                report = reports.get(reporter.unit.pk)
                status = report.status if report else Status.DRAFT
                names = {
                    "program": program.code,
                    "period": period.code,
                    "unit": reporter.unit.name,
                    "due": period.due.strftime("%d/%m/%Y"),
                }
                url = _url(program, period, reporter.unit.code)
                state = f"{program.code}:{period.code}:{reporter.unit.code}:{_state_key(report)}"
                if status in (Status.DRAFT, Status.RETURNED) and overdue:
                    days = (today - period.due).days
                    text = _(
                        "Báo cáo kỳ %(period)s (%(program)s) của %(unit)s đã quá hạn %(days)s ngày (hạn %(due)s)."
                    ) % {
                        **names,
                        "days": days,
                    }
                    notify(submitters(reporter.unit), key=f"overdue:{state}", text=text, url=url, sent=sent)
                elif status in (Status.DRAFT, Status.RETURNED) and due_soon:
                    text = (
                        _("Báo cáo kỳ %(period)s (%(program)s) của %(unit)s đến hạn nộp ngày %(due)s.")
                        % names
                    )
                    notify(submitters(reporter.unit), key=f"due:{state}", text=text, url=url, sent=sent)
                if status == Status.RETURNED:
                    text = _("Báo cáo kỳ %(period)s (%(program)s) của %(unit)s bị trả lại: %(comment)s") % {
                        **names,
                        "comment": report.comment,
                    }
                    notify(submitters(reporter.unit), key=f"returned:{state}", text=text, url=url, sent=sent)
                if status == Status.SUBMITTED:
                    text = _("Báo cáo kỳ %(period)s (%(program)s) của %(unit)s đang chờ bạn duyệt.") % names
                    notify(deciders(reporter.reports_to), key=f"await:{state}", text=text, url=url, sent=sent)
    return sent
