"""The rotation board marks who will actually receive the next new customer (R-2.3, a dry run
of the rotation, nothing saved); the result after a registration names who was skipped and
why; the look-up box refreshes after a registration."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reception.choices import DutyStatus
from reception.factories import roster_for
from reception.models import DutyState, Roster
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def team(office):
    names = ["黄置业", "林可", "陈达"]
    return [
        UserFactory(username=f"sp{i}", display_name=n, roles=[Role.SALESPERSON], offices=[office])
        for i, n in enumerate(names, 1)
    ]


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def flat(response) -> str:
    """The text with inline tags removed (a name in a <span> stays inside its sentence)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def next_marked(response) -> list[str]:
    """The data-salesperson of the seats marked as next (aria-current)."""
    return re.findall(r'data-salesperson="(\d+)" aria-current="true"', response.content.decode())


def board(client, office):
    return client.get(f"/reception/board/?office={office.pk}")


def visit(client, office, phone):
    data = {
        "office": office.pk,
        "phone": phone,
        "name": "王先生",
        "party_size": 2,
        "source_channel": "",
        "one_household": "on",
        "idempotency_key": f"key-{phone}",
    }
    from leads.factories import channel

    data["source_channel"] = channel("passing").pk
    return client.post("/reception/visits/", data, **HTMX)


def test_the_board_marks_the_next_receiver_not_the_pointer_on_someone_away_on_business(
    client, office, manager, secretary, team
):
    huang, lin, _chen = team
    roster_for(
        office, NOW.date(), team, manager=manager, statuses={huang: DutyStatus.AWAY_BUSINESS}
    )
    assert Roster.objects.get().pointer == 1  # the pointer is on 黄置业
    client.force_login(secretary)
    before = list(DutyState.objects.order_by("pk").values_list("owed_turns", flat=True))
    response = board(client, office)
    assert next_marked(response) == [str(lin.pk)]
    assert "轮到：黄置业（因公外出，将被跳过）" in text(response)
    # a dry run: nothing saved
    assert Roster.objects.get().pointer == 1
    assert list(DutyState.objects.order_by("pk").values_list("owed_turns", flat=True)) == before
    # the salesperson's page shows the same board
    client.force_login(lin)
    assert next_marked(client.get("/w/my/")) == [str(lin.pk)]


def test_the_pointer_note_is_shown_only_where_it_differs(client, office, manager, secretary, team):
    roster_for(office, NOW.date(), team, manager=manager)
    client.force_login(secretary)
    response = board(client, office)
    assert next_marked(response) == [str(team[0].pk)]
    assert "轮到：" not in text(response)


def test_an_owed_turn_keeps_the_next_receiver_on_the_same_person(
    client, office, manager, secretary, team
):
    huang, lin, _chen = team
    roster_for(
        office,
        NOW.date(),
        team,
        manager=manager,
        statuses={huang: DutyStatus.BUSY},
        owed={lin: 1},
    )
    client.force_login(secretary)
    assert next_marked(board(client, office)) == [str(lin.pk)]


def test_nobody_available_marks_nobody_and_says_so(client, office, manager, secretary, team):
    roster_for(
        office, NOW.date(), team, manager=manager, statuses=dict.fromkeys(team, DutyStatus.BUSY)
    )
    client.force_login(secretary)
    response = board(client, office)
    assert next_marked(response) == []
    assert "目前无人可接待" in text(response)


def test_the_result_names_who_was_skipped_and_why(client, office, manager, secretary, team):
    huang, lin, chen = team
    roster_for(
        office,
        NOW.date(),
        team,
        manager=manager,
        statuses={huang: DutyStatus.AWAY_BUSINESS, lin: DutyStatus.AWAY_PRIVATE},
    )
    client.force_login(secretary)
    response = visit(client, office, "13800138000")
    assert response.status_code == 200
    shown = flat(response)
    assert "陈达" in shown  # the receiver
    assert "跳过 黄置业：因公外出，待补轮次 +1" in shown
    assert "跳过 林可：因私外出，本轮作废" in shown
    # and the board now marks the next receiver after 陈达: 黄置业 is still away, 林可 too
    assert next_marked(board(client, office)) == [str(chen.pk)]


def test_busy_is_skipped_and_owed_a_turn(client, office, manager, secretary, team):
    huang, lin, _chen = team
    roster_for(office, NOW.date(), team, manager=manager, statuses={huang: DutyStatus.BUSY})
    client.force_login(secretary)
    assert "跳过 黄置业：正在接待，待补轮次 +1" in flat(visit(client, office, "13800138000"))


def test_after_a_registration_the_look_up_reloads(client, office, manager, secretary, team):
    roster_for(office, NOW.date(), team, manager=manager)
    client.force_login(secretary)
    desk = client.get("/w/desk/").content.decode()
    lookup = re.search(r'<input id="lookup-q"[^>]*>', desk, flags=re.DOTALL).group(0)
    assert "reception-changed from:body" in lookup  # the event a registration sends
    response = visit(client, office, "13800138000")
    assert response["HX-Trigger"] == "reception-changed"
    again = client.get(f"/reception/lookup/?office={office.pk}&q=13800138000")
    assert "没有匹配的客户" not in text(again) and "王先生" in text(again)
