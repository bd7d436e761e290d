from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

# Issue 8: an office's units in the API's order, built concurrently so that a live office
# keeps working meanwhile.


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('deals', '0003_contracts'),
        ('staff', '0003_office_monthly_subscription_target'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='unit',
            index=models.Index(fields=['office', 'project', 'building', '-floor', 'number', 'id'], name='unit_office_board'),
        ),
    ]
