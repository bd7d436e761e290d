"""The staff and office endpoints of API.md: auth, scoping and bad input."""

import pytest

from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from staff.models import User

pytestmark = pytest.mark.django_db


def token_for(api, username, password):
    response = api.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    return response


class TestTokenAuth:
    def test_token_issued_for_valid_credentials_and_accepted(self, api, secretary, password):
        response = token_for(api, "secretary", password)
        assert response.status_code == 200
        token = response.json()["token"]

        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        offices = api.get("/api/v1/offices/").json()
        assert [o["code"] for o in offices["results"]] == ["sunny"]

    def test_wrong_password_is_400_without_token(self, api, secretary):
        response = token_for(api, "secretary", "not-the-password")
        assert response.status_code == 400
        assert "token" not in response.json()

    def test_anonymous_is_401_and_bad_token_is_401(self, api, office):
        assert api.get("/api/v1/offices/").status_code == 401
        api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
        assert api.get("/api/v1/offices/").status_code == 401

    def test_deactivated_user_token_stops_working(self, api, secretary, password):
        token = token_for(api, "secretary", password).json()["token"]
        secretary.is_active = False
        secretary.save()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api.get("/api/v1/offices/").status_code == 401


class TestOfficeScoping:
    def test_member_lists_only_own_offices(self, api, salesperson, other_office):
        api.force_authenticate(salesperson)
        body = api.get("/api/v1/offices/").json()
        assert body["count"] == 1
        assert set(body) >= {"count", "next", "previous", "results"}
        assert body["results"][0]["code"] == "sunny"

    def test_other_office_is_404(self, api, salesperson, other_office):
        api.force_authenticate(salesperson)
        assert api.get(f"/api/v1/offices/{other_office.pk}/").status_code == 404

    def test_director_sees_every_office(self, api, director, other_office):
        api.force_authenticate(director)
        codes = {o["code"] for o in api.get("/api/v1/offices/").json()["results"]}
        assert codes == {"sunny", "riverside"}

    def test_office_shape_and_rule_defaults(self, api, salesperson, office):
        api.force_authenticate(salesperson)
        body = api.get(f"/api/v1/offices/{office.pk}/").json()
        assert body["id"] == office.pk
        assert body["timezone"] == "Asia/Shanghai"
        assert body["holding_fee"] == "500.00"
        assert body["minimum_deposit"] == "5000.00"

    def test_only_director_creates_offices(self, api, manager, director):
        payload = {"name": "新城售楼处", "code": "newtown", "timezone": "Asia/Shanghai"}
        api.force_authenticate(manager)
        assert api.post("/api/v1/offices/", payload, format="json").status_code == 403
        api.force_authenticate(director)
        response = api.post("/api/v1/offices/", payload, format="json")
        assert response.status_code == 201
        assert response.json()["code"] == "newtown"

    def test_bad_office_input_is_400(self, api, director, office):
        api.force_authenticate(director)
        duplicate = api.post("/api/v1/offices/", {"name": "x", "code": "sunny"}, format="json")
        assert duplicate.status_code == 400
        assert "code" in duplicate.json()
        bad_tz = api.post(
            "/api/v1/offices/", {"name": "x", "code": "x1", "timezone": "Mars/Base"}, format="json"
        )
        assert bad_tz.status_code == 400
        assert "timezone" in bad_tz.json()
        negative = api.post(
            "/api/v1/offices/", {"name": "x", "code": "x2", "holding_fee": "-1"}, format="json"
        )
        assert negative.status_code == 400
        assert "holding_fee" in negative.json()


def new_staff(office, **overrides):
    payload = {
        "username": "newbie",
        "password": "a-long-unusual-passphrase",
        "display_name": "新同事",
        "roles": ["salesperson"],
        "offices": [office.pk],
    }
    payload.update(overrides)
    return payload


class TestStaffCreate:
    def test_manager_adds_salesperson_to_own_office(self, api, manager, office):
        api.force_authenticate(manager)
        response = api.post("/api/v1/staff/", new_staff(office), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body == {
            "id": body["id"],
            "username": "newbie",
            "display_name": "新同事",
            "roles": ["salesperson"],
            "offices": [office.pk],
        }
        user = User.objects.get(username="newbie")
        assert user.check_password("a-long-unusual-passphrase")
        assert user.has_role(Role.SALESPERSON)

    def test_new_user_can_log_in_with_token(self, api, manager, office):
        api.force_authenticate(manager)
        api.post("/api/v1/staff/", new_staff(office), format="json")
        api.force_authenticate(None)
        assert token_for(api, "newbie", "a-long-unusual-passphrase").status_code == 200

    def test_duplicate_username_is_400(self, api, manager, office, salesperson):
        api.force_authenticate(manager)
        response = api.post("/api/v1/staff/", new_staff(office, username="sales1"), format="json")
        assert response.status_code == 400
        assert "username" in response.json()

    def test_unknown_role_is_400(self, api, manager, office):
        api.force_authenticate(manager)
        response = api.post("/api/v1/staff/", new_staff(office, roles=["king"]), format="json")
        assert response.status_code == 400
        assert "roles" in response.json()
        assert not User.objects.filter(username="newbie").exists()

    def test_unknown_office_is_400(self, api, manager, office):
        api.force_authenticate(manager)
        response = api.post("/api/v1/staff/", new_staff(office, offices=[999999]), format="json")
        assert response.status_code == 400
        assert "offices" in response.json()

    def test_office_of_another_manager_is_400_not_revealed(self, api, manager, other_office):
        api.force_authenticate(manager)
        response = api.post("/api/v1/staff/", new_staff(other_office), format="json")
        assert response.status_code == 400
        assert "offices" in response.json()

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"roles": []}, "roles"),
            ({"offices": []}, "offices"),
            ({"password": "123"}, "password"),
            ({"username": ""}, "username"),
            ({"roles": "salesperson"}, "roles"),
        ],
    )
    def test_invalid_fields_are_400_with_field_errors(self, api, manager, office, payload, field):
        api.force_authenticate(manager)
        response = api.post("/api/v1/staff/", new_staff(office, **payload), format="json")
        assert response.status_code == 400
        assert field in response.json()

    def test_malformed_json_is_400_not_500(self, api, manager):
        api.force_authenticate(manager)
        response = api.post("/api/v1/staff/", "{not json", content_type="application/json")
        assert response.status_code == 400
        assert "detail" in response.json()

    def test_salesperson_cannot_add_staff(self, api, salesperson, office):
        api.force_authenticate(salesperson)
        assert api.post("/api/v1/staff/", new_staff(office), format="json").status_code == 403

    def test_manager_cannot_create_a_director(self, api, manager, office):
        api.force_authenticate(manager)
        response = api.post("/api/v1/staff/", new_staff(office, roles=["director"]), format="json")
        assert response.status_code == 403
        assert not User.objects.filter(username="newbie").exists()

    def test_password_is_never_returned(self, api, manager, office):
        api.force_authenticate(manager)
        response = api.post("/api/v1/staff/", new_staff(office), format="json")
        assert "password" not in response.json()
        listed = api.get("/api/v1/staff/").json()["results"]
        assert all("password" not in row for row in listed)


class TestStaffScoping:
    def test_manager_sees_own_office_staff_only(self, api, manager, salesperson, other_manager):
        api.force_authenticate(manager)
        usernames = {u["username"] for u in api.get("/api/v1/staff/").json()["results"]}
        assert usernames == {"manager", "sales1"}
        assert api.get(f"/api/v1/staff/{other_manager.pk}/").status_code == 404

    def test_salesperson_sees_only_self(self, api, salesperson, other_salesperson):
        api.force_authenticate(salesperson)
        usernames = [u["username"] for u in api.get("/api/v1/staff/").json()["results"]]
        assert usernames == ["sales1"]
        assert api.get(f"/api/v1/staff/{other_salesperson.pk}/").status_code == 404

    def test_member_of_two_offices_listed_once(self, api, manager, office, other_office):
        UserFactory(username="both", roles=["salesperson"], offices=[office, other_office])
        api.force_authenticate(manager)
        usernames = [u["username"] for u in api.get("/api/v1/staff/").json()["results"]]
        assert usernames.count("both") == 1

    def test_staff_list_query_count_is_flat(
        self, api, manager, office, django_assert_max_num_queries
    ):
        for n in range(15):
            UserFactory(username=f"s{n}", roles=["salesperson"], offices=[office, OfficeFactory()])
        api.force_authenticate(manager)
        with django_assert_max_num_queries(8):
            response = api.get("/api/v1/staff/")
        assert response.json()["count"] == 16  # 15 new + the manager


def test_schema_and_docs_render(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/staff/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI is served from the sidecar package: no CDN, works offline.
    assert b"cdn" not in docs.content.lower()
    assert b"/static/drf_spectacular_sidecar/" in docs.content
