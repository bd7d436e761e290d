"""Collection notices and statements of account (R-15.2, R-15.6): their constraints, the
statement run's resume point, and the daily dunning job (API.md: `receivables.dunning`,
daily 08:30) that ships with this app."""

from django.conf import settings
from django.db import migrations, models

from common.beat import crontab_job


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_assignment_grades'),
        ('receivables', '0001_initial'),
        ('common', '0002_beat_schedules'),
        ('staff', '0007_visit_plan_deadline'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='statementrun',
            name='cursor',
            field=models.BigIntegerField(default=0, verbose_name='last account examined'),
        ),
        migrations.AddIndex(
            model_name='collectionnotice',
            index=models.Index(fields=['office', 'date'], name='notice_office_date'),
        ),
        migrations.AddConstraint(
            model_name='collectionnotice',
            constraint=models.CheckConstraint(condition=models.Q(('signed_at__isnull', True), ('signed_by__isnull', False), _connector='OR'), name='notice_signed_by_someone'),
        ),
        migrations.AddConstraint(
            model_name='noticeline',
            constraint=models.UniqueConstraint(fields=('notice', 'invoice'), name='notice_line_once'),
        ),
        migrations.AddConstraint(
            model_name='noticeline',
            constraint=models.CheckConstraint(condition=models.Q(('open_amount__gt', 0)), name='notice_line_open'),
        ),
        migrations.AddConstraint(
            model_name='statement',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'sent', 'agreed', 'disputed', 'resolved'])), name='statement_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='statement',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), ('sent_at__isnull', False), _connector='OR'), name='statement_sent_when_past_draft'),
        ),
        migrations.AddConstraint(
            model_name='statement',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'sent']), ('answered_at__isnull', False), _connector='OR'), name='statement_answered_when_answered'),
        ),
        migrations.AddConstraint(
            model_name='statementdifference',
            constraint=models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='difference_amount_not_zero'),
        ),
        migrations.AddConstraint(
            model_name='statementdifference',
            constraint=models.CheckConstraint(condition=models.Q(('resolved_at__isnull', True), models.Q(('resolved_by__isnull', False), models.Q(('resolution', ''), _negated=True)), _connector='OR'), name='difference_resolved_with_resolution'),
        ),
        migrations.AddConstraint(
            model_name='statementrun',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'running', 'done', 'failed'])), name='statement_run_status_valid'),
        ),
        crontab_job(
            "receivables.dunning",
            minute="30",
            hour="8",
            description="R-15.2: collection notices for overdue receivables (daily 08:30).",
        ),
    ]
