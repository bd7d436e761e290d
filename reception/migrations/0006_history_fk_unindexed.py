# History rows copy their object's foreign keys unindexed (PGHISTORY_FOREIGN_KEY_FIELD; issue 8).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('attribution', '0009_history_fk_unindexed'),
        ('leads', '0006_history_fk_unindexed'),
        ('reception', '0005_visit_waiting_research_indexes'),
        ('staff', '0003_office_monthly_subscription_target'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='callevent',
            name='answered_by',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by'),
        ),
        migrations.AlterField(
            model_name='callevent',
            name='customer',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='callevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='callevent',
            name='put_through_to',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='put through to'),
        ),
        migrations.AlterField(
            model_name='callevent',
            name='source_channel',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.sourcechannel', verbose_name='source channel'),
        ),
        migrations.AlterField(
            model_name='dutystateevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='dutystateevent',
            name='salesperson',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='salesperson'),
        ),
        migrations.AlterField(
            model_name='referralevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='referralevent',
            name='referrer',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.customer', verbose_name='referrer'),
        ),
        migrations.AlterField(
            model_name='referralevent',
            name='registered_by',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by'),
        ),
        migrations.AlterField(
            model_name='rosterevent',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='rosterevent',
            name='set_by',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='set by'),
        ),
        migrations.AlterField(
            model_name='visithistory',
            name='assigned_to',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assigned to'),
        ),
        migrations.AlterField(
            model_name='visithistory',
            name='claim',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='attribution.claim', verbose_name='claim'),
        ),
        migrations.AlterField(
            model_name='visithistory',
            name='customer',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='visithistory',
            name='named_salesperson',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='named salesperson'),
        ),
        migrations.AlterField(
            model_name='visithistory',
            name='office',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='staff.office', verbose_name='office'),
        ),
        migrations.AlterField(
            model_name='visithistory',
            name='received_on_behalf_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='received on behalf by'),
        ),
        migrations.AlterField(
            model_name='visithistory',
            name='referrer',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.customer', verbose_name='came with / referred by'),
        ),
        migrations.AlterField(
            model_name='visithistory',
            name='registered_by',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by'),
        ),
        migrations.AlterField(
            model_name='visithistory',
            name='source_channel',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='leads.sourcechannel', verbose_name='source channel'),
        ),
    ]
