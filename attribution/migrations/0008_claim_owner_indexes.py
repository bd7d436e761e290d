import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

# Issue 8: a salesperson's claims for the "my customers" page, built concurrently so that a
# live office keeps working meanwhile; the plain index on the owner goes once the covering one
# (which starts with the owner) is there.


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('attribution', '0007_claim_history_statement_level'),
        ('leads', '0005_customer_office_recent_index'),
        ('staff', '0003_office_monthly_subscription_target'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='claim',
            index=models.Index(condition=models.Q(('status', 'active')), fields=['owner', 'protected_until', 'id'], name='claim_owner_active_ending'),
        ),
        AddIndexConcurrently(
            model_name='claim',
            index=models.Index(fields=['owner', 'office', 'status'], include=('protected_until', 'household'), name='claim_owner_summary'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='owner',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='claims', to=settings.AUTH_USER_MODEL, verbose_name='owner'),
        ),
    ]
