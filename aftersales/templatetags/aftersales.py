"""The after-sales pages' tabs: each reader sees the pages they may open."""

from django import template

from staff.permissions import may_in_any_office

from ..pages import may_read, may_read_complaints
from ..selectors import LEADERSHIP

register = template.Library()


@register.inclusion_tag("aftersales/links.html", takes_context=True)
def aftersales_links(context):
    user = context["request"].user
    leader = user.has_role(*LEADERSHIP)
    return {
        "requests": may_read(user),
        "complaints": may_read_complaints(user),
        "ratings": leader or may_in_any_office(user, "aftersales.ratings"),
        "times": leader or may_in_any_office(user, "aftersales.times"),
    }
