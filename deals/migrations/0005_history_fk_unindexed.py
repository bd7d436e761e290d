# History rows copy their object's foreign keys unindexed (PGHISTORY_FOREIGN_KEY_FIELD; issue 8).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('attribution', '0009_history_fk_unindexed'),
        ('deals', '0004_unit_office_board'),
        ('leads', '0005_customer_office_recent_index'),
        ('staff', '0003_office_monthly_subscription_target'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='contractevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='contractevent',
            name='signed_by',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed by'),
        ),
        migrations.AlterField(
            model_name='contractevent',
            name='subscription',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='deals.subscription', verbose_name='subscription'),
        ),
        migrations.AlterField(
            model_name='holdevent',
            name='created_by',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='holdevent',
            name='customer',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='holdevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='holdevent',
            name='unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='deals.unit', verbose_name='unit'),
        ),
        migrations.AlterField(
            model_name='paymentevent',
            name='contract',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='deals.contract', verbose_name='contract'),
        ),
        migrations.AlterField(
            model_name='paymentevent',
            name='instalment',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='deals.instalment', verbose_name='instalment'),
        ),
        migrations.AlterField(
            model_name='paymentevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='paymentevent',
            name='recorded_by',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AlterField(
            model_name='refundevent',
            name='customer',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='refundevent',
            name='hold',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='deals.hold', verbose_name='hold'),
        ),
        migrations.AlterField(
            model_name='refundevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='refundevent',
            name='paid_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='paid by'),
        ),
        migrations.AlterField(
            model_name='refundevent',
            name='subscription',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='deals.subscription', verbose_name='subscription'),
        ),
        migrations.AlterField(
            model_name='subscriptionevent',
            name='claim',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='attribution.claim', verbose_name='claim'),
        ),
        migrations.AlterField(
            model_name='subscriptionevent',
            name='credited_salesperson',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='credited salesperson'),
        ),
        migrations.AlterField(
            model_name='subscriptionevent',
            name='customer',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='subscriptionevent',
            name='hold',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='deals.hold', verbose_name='converted hold'),
        ),
        migrations.AlterField(
            model_name='subscriptionevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='subscriptionevent',
            name='signed_by',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed by'),
        ),
        migrations.AlterField(
            model_name='subscriptionevent',
            name='unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='deals.unit', verbose_name='unit'),
        ),
        migrations.AlterField(
            model_name='unitevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='unitevent',
            name='project',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='deals.project', verbose_name='project'),
        ),
    ]
