# History rows copy their object's foreign keys unindexed (PGHISTORY_FOREIGN_KEY_FIELD; issue 8).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0005_customer_office_recent_index'),
        ('staff', '0003_office_monthly_subscription_target'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='customerevent',
            name='household',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.household', verbose_name='household'),
        ),
        migrations.AlterField(
            model_name='customerevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='customerevent',
            name='registered_by',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by'),
        ),
        migrations.AlterField(
            model_name='customerevent',
            name='source_channel',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.sourcechannel', verbose_name='source channel'),
        ),
        migrations.AlterField(
            model_name='customerevent',
            name='voided_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='voided by'),
        ),
    ]
