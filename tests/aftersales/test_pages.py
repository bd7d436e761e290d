"""The after-sales pages for each role, in Chinese and English: the step's form only for the
person whose step it is, refusals re-rendered with the input kept, lists in bounded queries."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.factories import png, request_at
from aftersales.models import Complaint, ServiceRequest
from aftersales.services import complaints, extras

PAGES = ["aftersales:list", "aftersales:new", "aftersales:complaints", "aftersales:ratings"]


@pytest.fixture
def flow(salesperson, manager, clerk, technician):
    return {"reporter": salesperson, "manager": manager, "clerk": clerk, "technician": technician}


def zh(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    return client


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


ENGLISH = re.compile(
    r"\b(After-sales|request|Escalat\w*|Confirm|technician|Resolved|complaint|Save)\b"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [
        (
            "salesperson",
            {
                "aftersales:list": 200,
                "aftersales:new": 200,
                "aftersales:complaints": 200,
                "aftersales:ratings": 403,
                "aftersales:times": 403,
            },
        ),
        (
            "manager",
            {
                "aftersales:list": 200,
                "aftersales:new": 200,
                "aftersales:complaints": 200,
                "aftersales:ratings": 200,
                "aftersales:times": 200,
            },
        ),
        (
            "clerk",
            {
                "aftersales:list": 200,
                "aftersales:new": 200,
                "aftersales:complaints": 200,
                "aftersales:ratings": 403,
                "aftersales:times": 403,
            },
        ),
        (
            "technician",
            {
                "aftersales:list": 200,
                "aftersales:new": 403,
                "aftersales:complaints": 403,
                "aftersales:ratings": 200,
                "aftersales:times": 403,
            },
        ),
        (
            "director",
            {
                "aftersales:list": 200,
                "aftersales:new": 403,
                "aftersales:complaints": 200,
                "aftersales:ratings": 200,
                "aftersales:times": 200,
            },
        ),
        (
            "executive",
            {
                "aftersales:list": 200,
                "aftersales:new": 403,
                "aftersales:complaints": 200,
                "aftersales:ratings": 200,
                "aftersales:times": 200,
            },
        ),
        (
            "finance",
            {
                "aftersales:list": 403,
                "aftersales:new": 403,
                "aftersales:complaints": 403,
                "aftersales:ratings": 403,
                "aftersales:times": 403,
            },
        ),
        (
            "warehouse",
            {
                "aftersales:list": 403,
                "aftersales:new": 403,
                "aftersales:complaints": 403,
                "aftersales:ratings": 403,
                "aftersales:times": 403,
            },
        ),
    ],
)
def test_pages_for_each_role_in_chinese(client, request, role, expected, account, flow, clerk):
    user = request.getfixturevalue(role)
    made = request_at("resolved", account, **flow)
    extras.rating_record(request=made, actor=clerk, score=4, comment="及时", now=timezone.now())
    complaints.complaint_create(
        actor=clerk, account=account, kind="complaint", text="x", now=timezone.now()
    )
    zh(client, user)
    for name, status in expected.items():
        response = client.get(reverse(name))
        assert response.status_code == status, (name, response.status_code)
        if status == 200:
            text = visible_text(response.content.decode())
            assert not ENGLISH.search(text), (name, ENGLISH.search(text))
            assert "R-16" not in text


@pytest.mark.django_db
def test_detail_in_english_and_chinese_with_no_raw_codes(client, account, flow, manager):
    made = request_at("contacted", account, **flow)
    zh(client, manager)
    page = client.get(reverse("aftersales:detail", args=[made.pk]))
    text = visible_text(page.content.decode())
    assert "已联系客户" in text and "电话" in text
    assert "contacted" not in text and "phone" not in text
    client.cookies["django_language"] = "en"
    page = client.get(reverse("aftersales:detail", args=[made.pk]))
    assert "Customer contacted" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state,role,form",
    [
        ("new", "manager", "step-confirm"),
        ("confirmed", "clerk", "step-file"),
        ("filed", "technician", "step-contact"),
        ("contacted", "technician", "step-result"),
        ("resolved", "clerk", "step-close"),
    ],
)
def test_the_steps_form_only_for_the_person_whose_step_it_is(
    client,
    request,
    account,
    flow,
    state,
    role,
    form,
    salesperson,
    manager,
    clerk,
    technician,
    executive,
):
    made = request_at(state, account, **flow)
    url = reverse("aftersales:detail", args=[made.pk])
    for person in (salesperson, manager, clerk, technician, executive):
        client.force_login(person)
        page = client.get(url)
        if page.status_code == 404:
            assert person == technician and state in ("new", "confirmed")
            continue
        shown = f'id="{form}"' in page.content.decode()
        assert shown == (person == request.getfixturevalue(role)), (person, form)


@pytest.mark.django_db
def test_result_without_result_re_renders_400_with_the_status_kept(
    client, account, flow, technician
):
    made = request_at("contacted", account, **flow)
    client.force_login(technician)
    response = client.post(
        reverse("aftersales:result", args=[made.pk]),
        {"status": "已检查线路", "result": "", "resolved": "on"},
    )
    assert response.status_code == 400
    assert "已检查线路" in response.content.decode()
    made.refresh_from_db()
    assert made.state == "contacted"


@pytest.mark.django_db
def test_a_step_of_another_role_posted_is_403(client, account, flow, salesperson, clerk):
    made = request_at("new", account, **flow)
    client.force_login(clerk)
    response = client.post(reverse("aftersales:confirm", args=[made.pk]), {"approve": "1"})
    assert response.status_code == 403
    made.refresh_from_db()
    assert made.state == "new"


@pytest.mark.django_db
def test_wrong_state_re_renders_409(client, account, flow, manager):
    made = request_at("confirmed", account, **flow)
    client.force_login(manager)
    response = client.post(reverse("aftersales:confirm", args=[made.pk]), {"approve": "1"})
    assert response.status_code in (200, 409)  # the form is no longer offered: refused
    made.refresh_from_db()
    assert made.state == "confirmed"


@pytest.mark.django_db
def test_new_request_page_with_a_photo(client, account, salesperson):
    client.force_login(salesperson)
    response = client.post(
        reverse("aftersales:new"),
        {"account": account.pk, "problem": "电机不转", "received_at": "", "photos": [png()]},
    )
    assert response.status_code == 302
    made = ServiceRequest.objects.get()
    assert made.photos.count() == 1 and made.reported_by == salesperson


@pytest.mark.django_db
def test_new_request_with_a_bad_photo_saves_nothing_and_keeps_the_problem(
    client, account, salesperson
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(salesperson)
    fake = SimpleUploadedFile("a.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(
        reverse("aftersales:new"), {"account": account.pk, "problem": "电机不转", "photos": [fake]}
    )
    assert response.status_code == 400
    assert "电机不转" in response.content.decode()
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_complaint_pages_flow(client, account, salesperson, manager, clerk):
    client.force_login(salesperson)
    response = client.post(
        reverse("aftersales:complaint_new"),
        {"account": account.pk, "kind": "suggestion", "text": "希望提供中文说明书"},
    )
    assert response.status_code == 302
    made = Complaint.objects.get()
    client.force_login(manager)
    url = reverse("aftersales:complaint", args=[made.pk])
    assert 'id="step-assign"' in client.get(url).content.decode()
    client.post(reverse("aftersales:complaint_assign", args=[made.pk]), {"handler": clerk.pk})
    client.force_login(clerk)
    assert 'id="step-reply"' in client.get(url).content.decode()
    response = client.post(
        reverse("aftersales:complaint_reply", args=[made.pk]),
        {"reply": "下批货附中文说明书", "method": "phone", "replied_at": ""},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.state == "closed"


@pytest.mark.django_db
def test_lists_in_bounded_queries(
    client, account, flow, manager, clerk, django_assert_max_num_queries
):
    for _ in range(3):
        request_at("resolved", account, **flow)
        complaints.complaint_create(
            actor=clerk, account=account, kind="complaint", text="x", now=timezone.now()
        )
    client.force_login(manager)
    client.get(reverse("aftersales:list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("aftersales:list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("aftersales:complaints")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("aftersales:times")).status_code == 200
    for _ in range(5):
        request_at("resolved", account, **flow)
        complaints.complaint_create(
            actor=clerk, account=account, kind="complaint", text="x", now=timezone.now()
        )
    with django_assert_max_num_queries(12):
        assert client.get(reverse("aftersales:list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("aftersales:complaints")).status_code == 200
