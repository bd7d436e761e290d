"""Who may do what with enquiries and quotes (R-8.1, R-9.1, R-11)."""

from accounts.selectors import may_edit as may_edit_account
from staff.choices import Role
from staff.permissions import is_member, manages

from .choices import QuestionTo

# the roles that work on enquiries and quotes of an account they may edit
SELLERS = (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR)


def may_sell_to(user, account) -> bool:
    """R-9.1: the account's owner or deputy, or the branch's manager (a director: any), may
    log its enquiries and draft its quotes; a colleague may not."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_role(*SELLERS) and may_edit_account(user, account)


def _party(user, document) -> bool:
    account = document.account
    return user.pk in {
        document.owner_id,
        document.author_id,
        account.owner_id,
        account.deputy_id,
    }


def may_edit_document(user, document) -> bool:
    """An enquiry's or quote's people, or the branch's manager (a director: any)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if manages(user, document.office):
        return True
    return (
        user.has_role(Role.SALESPERSON)
        and is_member(user, document.office)
        and _party(user, document)
    )


def may_answer(user, question) -> bool:
    """R-11.2: a member of the enquiry's branch holding the role the question is addressed to."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return question.to in QuestionTo.values and (
        user.has_role(question.to) and is_member(user, question.enquiry.office)
    )


def answers_questions(user) -> bool:
    return user.has_role(*QuestionTo.values)


def may_read(user, action: str = "quotes.view") -> bool:
    """The role check before a list: leadership reads every branch, others their own."""
    from staff.permissions import may_in_any_office

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_role(Role.EXECUTIVE, Role.DIRECTOR) or may_in_any_office(user, action)
