"""The clerk's and the warehouse keeper's pages say what will appear there, not an empty page."""

import pytest

from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, slug, expected",
    [
        (Role.CLERK, "clerk", "待归档的合同"),
        (Role.WAREHOUSE, "warehouse", "待发货的出库单"),
    ],
)
def test_queue_pages_say_what_will_appear(client, office, role, slug, expected):
    client.force_login(UserFactory(username=f"u-{slug}", roles=[role], offices=[office]))
    response = client.get(f"/w/{slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert expected in body
    assert "暂无待办事项" not in body and "Nothing to do here yet" not in body
