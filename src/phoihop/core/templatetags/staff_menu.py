from django import template

from phoihop.core.menu import staff_menu as _staff_menu

register = template.Library()


@register.simple_tag
def staff_menu(user):
    """The menu links the user may open (core.menu)."""
    return _staff_menu(user)
