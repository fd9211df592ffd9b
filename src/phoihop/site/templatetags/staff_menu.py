from django import template

from phoihop.site.menu import staff_menu as _staff_menu

register = template.Library()


@register.simple_tag
def staff_menu(user):
    """The menu links the user may open (site.menu)."""
    return _staff_menu(user)
