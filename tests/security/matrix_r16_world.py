"""After-sales, complaints, expenses, special fees, penalties and escalations of the permission
matrix's world (R-16, R-7.3), per scope, all through the apps' services as the people of each
step would do it. The scope's salesperson (own: the persona "SP", peer: sp2, other: spb in
office B) is the account's owner and the author of what they ask for:

- after-sales requests on the scope's contract's account: `as_new` (with `as_photo`, the
  salesperson's photo of it), `as_confirmed` (the branch manager confirmed it), `as_filed` (the
  clerk filed it, no technician named; escalated by the branch manager: `escalation`),
  `as_contacted` (the branch's technician took it and called the customer: the persona "TE" in
  office A, teb in office B), `as_resolved` (its result recorded);
- complaints: `complaint` (recorded by the salesperson, waiting for a handler) and
  `complaint_assigned` (the branch manager handles it);
- expenses: `budget` (a draft of 1,000.00 for this month), `approved_budget` (approved by the
  branch manager), `expense_claim` (a draft of 100.00 on it with a receipt line and its photo:
  `expense_claim_photo`, `expense_line`), `approved_expense_claim` (for finance to pay);
- special fees: `fee` (a draft), `fee_at_executive` (the branch manager approved it: the
  executive's form of payment is next), `approved_fee` (the executive chose a bank transfer:
  finance pays it);
- penalties: `penalty`, 20.00 against the scope's salesperson by the branch manager.

Each scope's free text (R16_TEXT) is read only by who may read that scope's documents.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.services import approval_decide
from staff.choices import Role
from staff.models import User

SCOPES = ("own", "peer", "other")
# the Chinese markers of each scope's problem text, claim description and fee purpose
R16_TEXT = {"own": "矩阵售后-本人", "peer": "矩阵售后-同事", "other": "矩阵售后-他店"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", PNG, content_type="image/png")


def _decide(document, role: str, person, now) -> None:
    step = document.approvals().get(state="pending", role=role)
    approval_decide(approval=step, actor=person, decision="approve", comment="", now=now)
    document.refresh_from_db()


def build_r16(world, now) -> None:
    from aftersales.services import complaints, extras, requests
    from escalations.models import Escalation
    from expenses.services import budgets, claims
    from reports import penalties
    from specialfees import services as fees

    users, people = world.users, world.people
    sellers = {"own": users["SP"], "peer": people["sp2"], "other": people["spb"]}
    managers = {"own": users["MA"], "peer": users["MA"], "other": people["mab"]}
    clerk_b = User.objects.get(username="m-clb")
    clerks = {"own": users["CL"], "peer": users["CL"], "other": clerk_b}
    technicians = {"own": users["TE"], "peer": users["TE"], "other": people["teb"]}
    kinds = ("as_new", "as_photo", "as_confirmed", "as_filed", "as_contacted", "as_resolved")
    kinds += ("escalation", "complaint", "complaint_assigned")
    kinds += ("budget", "approved_budget", "expense_claim", "expense_claim_photo")
    kinds += ("expense_line", "approved_expense_claim")
    kinds += ("fee", "fee_at_executive", "approved_fee", "penalty")
    # the meetings' problems of matrix_data, escalated to leadership (R-7.3): one list
    world.objects["meeting_escalation"] = {
        scope: Escalation.objects.get(source="meeting_problem", subject_id=problem.pk)
        for scope, problem in world.objects["problem"].items()
    }
    for kind in kinds:
        world.objects[kind] = {}
    earlier = now - datetime.timedelta(hours=2)
    for scope in SCOPES:
        seller, manager, clerk = sellers[scope], managers[scope], clerks[scope]
        technician, text = technicians[scope], R16_TEXT[scope]
        account = world.objects["sales_contract"][scope].account
        office = world.office(scope)

        def asked(problem: str, *, account=account, seller=seller):
            return requests.request_create(
                actor=seller, account=account, problem=problem, received_at=earlier, now=earlier
            )

        def confirmed(problem: str, *, manager=manager):
            made = asked(problem)
            return requests.request_confirm(request=made, actor=manager, approve=True, now=earlier)

        def filed(problem: str, *, clerk=clerk):
            made = confirmed(problem)
            return requests.request_file(request=made, actor=clerk, now=earlier)

        def contacted(problem: str, *, technician=technician):
            made = filed(problem)
            return requests.request_contact(
                request=made, actor=technician, contacted_at=now, method="phone", note="", now=now
            )

        new = asked(text)
        world.objects["as_new"][scope] = new
        world.objects["as_photo"][scope] = extras.photo_add(
            request=new, actor=seller, upload=photo(), now=now
        )
        world.objects["as_confirmed"][scope] = confirmed(f"{text}-确认")
        escalated = filed(f"{text}-派工")
        requests.request_escalate(request=escalated, actor=manager, reason="分部无法解决", now=now)
        world.objects["as_filed"][scope] = escalated
        world.objects["escalation"][scope] = Escalation.objects.get(
            source="after_sales", subject_id=escalated.pk
        )
        world.objects["as_contacted"][scope] = contacted(f"{text}-联系")
        resolved = contacted(f"{text}-解决")
        world.objects["as_resolved"][scope] = requests.request_result(
            request=resolved, actor=technician, result="已更换轴承", status="", now=now
        )
        # complaints
        world.objects["complaint"][scope] = complaints.complaint_create(
            actor=seller, account=account, kind="complaint", text=f"{text}-投诉", now=now
        )
        handled = complaints.complaint_create(
            actor=seller, account=account, kind="suggestion", text=f"{text}-建议", now=now
        )
        world.objects["complaint_assigned"][scope] = complaints.complaint_assign(
            complaint=handled, actor=manager, handler=manager, now=now
        )
        # expenses
        today = world.today(scope)
        world.objects["budget"][scope] = budgets.budget_create(
            actor=seller, office=office, month=today, purpose=f"{text}-预算", category="travel",
            amount=Decimal("300.00"), now=now,
        )  # fmt: skip
        approved = budgets.budget_create(
            actor=seller, office=office, month=today, purpose=f"{text}-已批预算",
            category="travel", amount=Decimal("500.00"), now=now,
        )  # fmt: skip
        budgets.budget_submit(budget=approved, actor=seller, now=now)
        _decide(approved, Role.MANAGER, manager, now)
        world.objects["approved_budget"][scope] = approved

        def claim(amount: str, *, approved=approved, seller=seller, text=text, today=today):
            made = claims.claim_create(
                actor=seller, budget=approved, date=today, note="", now=now,
                lines=[claims.LineInput(kind="receipt", description=f"{text}-票据", amount=amount)],
            )  # fmt: skip
            picture = claims.claim_add_photo(claim=made, actor=seller, upload=photo(), now=now)
            return made, picture

        draft, picture = claim("100.00")
        world.objects["expense_claim"][scope] = draft
        world.objects["expense_claim_photo"][scope] = picture
        world.objects["expense_line"][scope] = draft.lines.get()
        paid_next, _picture = claim("50.00")
        claims.claim_submit(claim=paid_next, actor=seller, now=now)
        _decide(paid_next, Role.MANAGER, manager, now)
        world.objects["approved_expense_claim"][scope] = paid_next
        # special customer fees

        def fee(purpose: str, *, account=account, seller=seller):
            return fees.special_fee_create(
                actor=seller, account=account, kind="promotion", amount=Decimal("800.00"),
                purpose=purpose, now=now,
            )  # fmt: skip

        world.objects["fee"][scope] = fee(f"{text}-促销费")
        at_executive = fee(f"{text}-待定方式")
        fees.special_fee_submit(fee=at_executive, actor=seller, now=now)
        _decide(at_executive, Role.MANAGER, manager, now)
        world.objects["fee_at_executive"][scope] = at_executive
        decided = fee(f"{text}-已定方式")
        fees.special_fee_submit(fee=decided, actor=seller, now=now)
        _decide(decided, Role.MANAGER, manager, now)
        fees.special_fee_executive_decide(
            fee=decided, actor=users["EX"], decision="approve", payment_form="transfer",
            note="", now=now,
        )  # fmt: skip
        decided.refresh_from_db()
        world.objects["approved_fee"][scope] = decided
        # penalties
        world.objects["penalty"][scope] = penalties.penalty_record(
            office=office, person=seller, date=today, amount=Decimal("20.00"),
            rule="发票开具错误", reason=f"{text}-罚款", actor=manager, now=now,
        )  # fmt: skip
