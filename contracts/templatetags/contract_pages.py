"""`{% contract_links %}`: the contract pages this user's roles may open, as a row of links."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from staff.choices import Role
from staff.permissions import may_in_any_office

register = template.Library()


def links_for(user) -> list[tuple[str, str]]:
    from quotes.permissions import may_read as may_read_quotes

    links = []
    # the way in to enquiries and quotes, which come before a contract
    if may_read_quotes(user, "quotes.view_enquiries"):
        links.append((_("Enquiries"), reverse("quotes:enquiries")))
    if may_read_quotes(user):
        links.append((_("Quotes"), reverse("quotes:list")))
    if user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or may_in_any_office(user, "contracts.view"):
        links.append((_("Contracts"), reverse("contracts:list")))
        # a contract's demand requests, outbound orders and returns
        links.append((_("Demand requests"), reverse("shipping:requests")))
        links.append((_("Outbound orders"), reverse("shipping:orders")))
        links.append((_("Returns"), reverse("shipping:returns")))
    if may_in_any_office(user, "contracts.pipeline"):
        links.append((_("My pipeline"), reverse("contracts:pipeline")))
    if may_in_any_office(user, "contracts.branch_pipeline"):
        links.append((_("Branch pipeline"), reverse("contracts:branch_pipeline")))
    if may_in_any_office(user, "contracts.filing"):
        links.append((_("Filing queue"), reverse("contracts:filing")))
        links.append((_("Contract register"), reverse("contracts:register")))
    return links


@register.inclusion_tag("contracts/partials/links.html", takes_context=True)
def contract_links(context):
    request = context["request"]
    path = request.path
    links = links_for(request.user)
    active = max((url for _label, url in links if path.startswith(url)), key=len, default=None)
    return {"links": [(label, url, url == active) for label, url in links]}
