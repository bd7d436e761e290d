"""Targets of the contract forms for tests/security/test_form_fuzz.py (R-12): in the demo's
office, sales1's approved account (and a colleague's, another office's) with a draft contract,
a signed one with nothing shipped, a signed one shipped in full (to fulfil) and a fulfilled
one; in the demo's branch, a signed contract for its clerk to file.
The branch's clerk joins the users."""

from decimal import Decimal

from django.utils import timezone

from accounts.factories import AccountFactory
from catalog.services import product_create
from contracts import services
from contracts.factories import approve_all, line
from contracts.models import SalesContract
from shipping.factories import ship_everything
from staff.models import Office, User


def contract_targets(world: dict) -> dict:
    now = timezone.now()
    office = Office.objects.get(pk=world["targets"]["office"])
    branch = Office.objects.get(code="demo-branch")
    users = world["users"]
    sales1, manager = users["salesperson"], users["manager"]
    users["clerk"] = User.objects.get(username="clerk")
    rep, boss = User.objects.get(username="rep1"), User.objects.get(username="bmanager")
    product = product_create(
        actor=manager, now=now, code="FZ-HT", name="变频器", unit="台",
        list_price=Decimal("100.00"), floor_price=Decimal("80.00"), cost=Decimal("50.00"),
    )  # fmt: skip
    retired = product_create(
        actor=manager, now=now, code="FZ-HT0", name="旧变频器", unit="台",
        list_price=Decimal("100.00"), floor_price=Decimal("80.00"), cost=Decimal("50.00"),
    )  # fmt: skip
    retired.active = False
    retired.save(update_fields=["active"])
    big = Decimal("100000000.00")
    mine = AccountFactory(
        office=office, author=sales1, status="approved", name="合同模糊客户", credit_limit=big
    )
    colleague = AccountFactory(
        office=office, author=User.objects.get(username="sales2"), status="approved"
    )
    theirs = AccountFactory(office=branch, author=rep, status="approved", credit_limit=big)

    def signed(account, seller, approver):
        made = services.contract_create(
            actor=seller, account=account, lines=[line(product, "2", "100.00")], now=now
        )
        services.contract_submit(contract=made, actor=seller, now=now)
        return approve_all(made, [approver], now=now)

    draft = services.contract_create(
        actor=sales1, account=mine, lines=[line(product, "2", "100.00")], now=now
    )
    fulfilled = signed(mine, sales1, manager)
    ship_everything(fulfilled, now=now, people=[manager])  # the last goods fulfil it
    fulfilled.refresh_from_db()
    assert fulfilled.status == "fulfilled"
    # the manager's own "fulfilled" (and a cancellation, which finds nothing left to
    # cancel) on a signed contract whose goods all left outside the services — shipping
    # fulfils the others itself, and a refusal would leave its message for the next form
    to_fulfil = signed(mine, sales1, manager)
    ship_everything(to_fulfil, now=now, people=[manager])
    SalesContract.objects.filter(pk=to_fulfil.pk).update(status="signed", fulfilled_at=None)
    return {
        "branch_office": branch.pk,
        "contract_accounts": [mine.pk, colleague.pk, theirs.pk],
        "contract_products": [product.pk, retired.pk],
        "contract_draft": draft.pk,
        "contract_signed": to_fulfil.pk,
        "contract_open": signed(mine, sales1, manager).pk,  # signed, nothing requested yet
        "contract_fulfilled": fulfilled.pk,
        "contract_to_file": signed(theirs, rep, boss).pk,
    }
