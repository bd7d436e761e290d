"""`{% rule_link "3.2" %}`: cite a rule in words, linked to it on the regulations page, instead
of showing a rule code ("R-3.2") that staff do not know.

    {% rule_link "3.2" %}                 依据：首问负责制 第3.2条 (en: Rule: First-contact
                                          ownership, 3.2)
    {% rule_link "3.2" short=True %}      第3.2条 (en: Rule 3.2), the section's title as a tooltip
    {% rule_link "3.2" office=office %}   the page shows that office's settings
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from ..regulations.rulebook import rule_url, section_title

register = template.Library()


@register.simple_tag
def rule_link(number, *, short=False, office=None):
    number = str(number)
    title = section_title(number)
    if short:
        text = gettext("Rule %(number)s") % {"number": number}
    else:
        text = gettext("Rule: %(title)s, %(number)s") % {"title": title, "number": number}
    return format_html(
        '<a class="rule-link" href="{}" title="{}">{}</a>', rule_url(number, office), title, text
    )
