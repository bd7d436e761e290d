"""The approval chain in the words of the sales department (R-8): "此单需要：分部经理 →
销售部经理（低于底价）". The roles' own labels are the first part's (a 案场's 销售经理); on
the documents of the second part the same groups are the branch manager and the head of the
sales department (RULES.md, roles of the second part)."""

from django import template

from ..chains import CHAINS, describe, role_name, step_words

register = template.Library()


def chain_words(document) -> str:
    """The steps this document needs, in order (the inapplicable ones left out)."""
    return describe(document.approval_document_type, document)


@register.filter
def sales_role(role: str) -> str:
    """`{{ approval.role|sales_role }}`: 分部经理, 销售部经理 …"""
    return role_name(role)


@register.filter
def approval_step(approval) -> str:
    """`{{ approval|approval_step }}`: the step's role with its condition, in the reader's
    language (the row keeps the condition as it was worded when the document was submitted)."""
    chain = CHAINS.get(approval.document_type, [])
    label = chain[approval.step].label if approval.step < len(chain) else approval.label
    return step_words(approval.role, str(label))


@register.simple_tag
def approval_chain(document) -> str:
    """`{% approval_chain document %}`: 此单需要：分部经理."""
    return chain_words(document)
