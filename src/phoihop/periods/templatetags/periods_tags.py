from django import template

from phoihop.core.numbers import MISSING, number
from phoihop.periods.models import Notification

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """The number of unread notifications of the signed-in user (shown beside the link in the top bar)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@register.filter
def vn(value):
    """A figure in Vietnamese form (6.065; 45,3); text and empty values as they are."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return number(value)
