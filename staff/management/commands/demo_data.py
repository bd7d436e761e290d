"""Demo data: one office and one user per role, with fresh passwords printed each run."""

import json
import secrets
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from staff.choices import Role
from staff.models import Office, User
from staff.services import staff_set_roles

DEMO_OFFICE = {"code": "demo", "name": "阳光花园售楼处"}
# username, display name, role
DEMO_USERS = [
    ("secretary", "王秘书", Role.SECRETARY),
    ("sales1", "李置业", Role.SALESPERSON),
    ("sales2", "张置业", Role.SALESPERSON),
    ("manager", "陈经理", Role.MANAGER),
    ("director", "赵总监", Role.DIRECTOR),
    ("assistant", "刘助理", Role.ASSISTANT),
    ("finance", "周财务", Role.FINANCE),
    ("clerk", "吴内勤", Role.CLERK),
    ("warehouse", "郑库管", Role.WAREHOUSE),
]


class Command(BaseCommand):
    help = "Create the demo office and one user per role; print their (new) passwords."

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials-file",
            type=Path,
            help="Also write the usernames and passwords as JSON to this file.",
        )

    @transaction.atomic
    def handle(self, *args, credentials_file=None, **options):
        office, _ = Office.objects.get_or_create(
            code=DEMO_OFFICE["code"], defaults={"name": DEMO_OFFICE["name"]}
        )
        credentials = {}
        for username, display_name, role in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"display_name": display_name}
            )
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            # the manager and director edit office settings in the admin
            user.is_staff = role in (Role.MANAGER, Role.DIRECTOR)
            user.is_superuser = role == Role.DIRECTOR
            user.save()
            staff_set_roles(user=user, roles=[role])
            user.offices.add(office)
            credentials[username] = {"password": password, "role": str(role)}

        self.stdout.write(self.style.SUCCESS(f"Demo office: {office.name} ({office.code})"))
        self.stdout.write("Demo users (passwords are new each run):")
        for username, entry in credentials.items():
            self.stdout.write(f"  {entry['role']:<12} {username:<10} {entry['password']}")
        if credentials_file:
            credentials_file.parent.mkdir(parents=True, exist_ok=True)
            credentials_file.write_text(json.dumps(credentials, indent=2))
            credentials_file.chmod(0o600)
