"""R-3.9 (issue 13): records with a date — diaries, leave and rest days, meeting minutes and
problems, weekly and monthly reports — take only dates from the office's opening to the end of
next year. A diary for 0001-01-01 was saved (and its page then overflowed the calendar); a
leave day in 2099 too. Refused with one message, nothing saved; today's still accepted."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from reports import meetings, services
from reports.models import DayOff, Meeting, MeetingProblem, PeriodReport, WorkDiary
from reports.periodic import report_submit
from reports.periods import MONTH, WEEK, period_of
from staff.rules import record_date_range

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 3, 10)
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SH)
OPENED = datetime.date(2024, 5, 1)
MESSAGE = "Choose a date between 2024-05-01 (the office's opening) and 2027-12-31."
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def opened(office):
    office.opened_on = OPENED
    office.save(update_fields=["opened_on"])
    return office


@pytest.fixture(autouse=True)
def english():
    """The services' messages are read in English here, as the pages and the API are asked."""
    with translation.override("en"):
        yield


def messages_of(exc: pytest.ExceptionInfo) -> list[str]:
    return [m for ms in exc.value.message_dict.values() for m in ms]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (TODAY, (OPENED, datetime.date(2027, 12, 31))),
        (datetime.date(2026, 12, 31), (OPENED, datetime.date(2027, 12, 31))),
        (datetime.date(2027, 1, 1), (OPENED, datetime.date(2028, 12, 31))),
    ],
)
def test_r_3_9_from_the_opening_to_the_end_of_next_year(today, expected):
    assert record_date_range(opened_on=OPENED, today=today) == expected


class TestDiary:
    @pytest.mark.parametrize("day", ["0001-01-01", "1990-06-01", "2024-04-30"])
    def test_api_refuses_a_diary_before_the_opening(self, api, opened, salesperson, day):
        api.force_authenticate(salesperson)
        body = {"feedback": "客户多", "problems": ""}
        response = api.put(f"/api/v1/diaries/{day}/", body, format="json", **EN)
        assert response.status_code == 400
        assert MESSAGE in response.json()["date"]
        assert not WorkDiary.objects.exists()

    def test_api_takes_todays_and_the_opening_days(self, api, opened, salesperson):
        api.force_authenticate(salesperson)
        body = {"feedback": "客户多", "problems": ""}
        for day in (TODAY, OPENED):
            response = api.put(f"/api/v1/diaries/{day}/", body, format="json")
            assert response.status_code == 200
        assert set(WorkDiary.objects.values_list("date", flat=True)) == {TODAY, OPENED}

    def test_the_diary_page_shows_the_message(self, client, opened, salesperson):
        client.cookies["django_language"] = "en"
        client.force_login(salesperson)
        data = {"office": opened.pk, "date": "2000-01-03", "feedback": "x", "problems": ""}
        response = client.post("/reports/diary/", data)
        assert response.status_code == 422
        assert MESSAGE.replace("'", "&#x27;") in response.content.decode()
        assert not WorkDiary.objects.exists()


class TestDaysOff:
    def test_a_leave_day_in_2099_is_refused(self, opened, manager, salesperson):
        with pytest.raises(ValidationError) as exc:
            services.day_off_set(
                office=opened,
                salesperson=salesperson,
                date=datetime.date(2099, 3, 2),
                kind="leave",
                by=manager,
                now=NOW,
            )
        assert MESSAGE in messages_of(exc)
        assert not DayOff.objects.exists()

    def test_the_calendar_page_refuses_2099_and_saves_nothing(
        self, client, opened, manager, salesperson
    ):
        client.cookies["django_language"] = "en"
        client.force_login(manager)
        data = {
            "office": opened.pk,
            "month": "2099-03",
            f"c{salesperson.pk}_20990302": "leave",
            f"c{salesperson.pk}_20990303": "rest",
        }
        response = client.post("/reports/days-off/", data)
        assert response.status_code == 422
        assert MESSAGE.replace("'", "&#x27;") in response.content.decode()
        assert not DayOff.objects.exists()

    def test_next_years_leave_and_todays_rest_are_taken(self, opened, manager, salesperson):
        for day in (TODAY, datetime.date(2027, 12, 31)):
            services.day_off_set(
                office=opened, salesperson=salesperson, date=day, kind="rest", by=manager, now=NOW
            )
        assert DayOff.objects.count() == 2


class TestMeeting:
    def test_minutes_and_problems_before_the_opening_are_refused(self, opened, secretary):
        day = datetime.date(1990, 1, 1)
        with pytest.raises(ValidationError) as exc:
            meetings.meeting_record(office=opened, date=day, minutes="x", by=secretary, now=NOW)
        assert MESSAGE in messages_of(exc)
        with pytest.raises(ValidationError) as exc:
            meetings.problem_raise(office=opened, date=day, text="x", by=secretary, now=NOW)
        assert MESSAGE in messages_of(exc)
        assert not Meeting.objects.exists() and not MeetingProblem.objects.exists()

    def test_the_minutes_page_shows_the_message(self, client, opened, secretary):
        client.cookies["django_language"] = "en"
        client.force_login(secretary)
        data = {"office": opened.pk, "date": "2001-02-03", "minutes": "1. 价格"}
        response = client.post("/reports/meeting/minutes/", data)
        assert response.status_code == 422
        assert MESSAGE.replace("'", "&#x27;") in response.content.decode()
        assert not Meeting.objects.exists()

    def test_todays_minutes_are_taken(self, opened, secretary):
        meetings.meeting_record(office=opened, date=TODAY, minutes="x", by=secretary, now=NOW)
        assert Meeting.objects.get().date == TODAY


class TestPeriodReports:
    @pytest.mark.parametrize("kind", ["weekly", "monthly"])
    def test_a_report_of_a_period_before_the_opening_is_refused(self, opened, salesperson, kind):
        period = period_of(WEEK if kind == "weekly" else MONTH, datetime.date(2019, 6, 5), opened)
        with pytest.raises(ValidationError) as exc:
            report_submit(
                author=salesperson,
                office=opened,
                kind=kind,
                period=period,
                summary="x",
                problems="",
                plan="",
                now=NOW,
            )
        assert MESSAGE in messages_of(exc)
        assert not PeriodReport.objects.exists()

    def test_the_month_of_the_opening_is_taken(self, opened, salesperson):
        report_submit(
            author=salesperson,
            office=opened,
            kind="monthly",
            period=period_of(MONTH, OPENED, opened),
            summary="开业第一个月",
            problems="",
            plan="",
            now=NOW,
        )
        assert PeriodReport.objects.get().period_start == OPENED
