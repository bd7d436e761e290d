# Issue 13: the holding fee credited toward a deposit never exceeds it and only ever
# comes from the hold the subscription converted; a hold's fee is never zero (a lapsed hold
# refunds it, and a refund is positive). Rows written by the old code that break these make
# this migration fail: `manage.py reconcile` names them (kind "hold").

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0005_history_fk_unindexed"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="hold",
            name="hold_fee_not_negative",
        ),
        migrations.AddConstraint(
            model_name="hold",
            constraint=models.CheckConstraint(
                condition=models.Q(("fee__gt", 0)), name="hold_fee_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("fee_credited__gte", 0), ("fee_credited__lte", models.F("deposit"))
                ),
                name="subscription_fee_within_deposit",
            ),
        ),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.CheckConstraint(
                condition=models.Q(("hold__isnull", False), ("fee_credited", 0), _connector="OR"),
                name="subscription_fee_from_a_hold",
            ),
        ),
    ]
