"""R-2.7, R-3.1: customers first registered by a hotline call who have not visited since are
unowned until they visit (leads.Customer.awaiting_visit, added by leads 0007)."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def mark_callers(apps, schema_editor):
    Customer = apps.get_model("leads", "Customer")
    Call = apps.get_model("reception", "Call")
    Visit = apps.get_model("reception", "Visit")
    Claim = apps.get_model("attribution", "Claim")
    Customer.objects.filter(
        Exists(Call.objects.filter(customer=OuterRef("pk"), is_new_customer=True)),
        ~Exists(Visit.objects.filter(customer=OuterRef("pk"))),
        ~Exists(Claim.objects.filter(household=OuterRef("household"))),
    ).update(awaiting_visit=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reception", "0006_history_fk_unindexed"),
        ("leads", "0007_customer_awaiting_visit"),
        ("attribution", "0009_history_fk_unindexed"),
    ]

    operations = [migrations.RunPython(mark_callers, migrations.RunPython.noop)]
