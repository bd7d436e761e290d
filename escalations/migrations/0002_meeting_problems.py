# The first part's escalated meeting problems move onto the one escalation list.

from django.db import migrations


def forwards(apps, schema_editor):
    from escalations.migration_data import copy_meeting_problems

    copy_meeting_problems(
        apps.get_model("reports", "MeetingProblem"), apps.get_model("escalations", "Escalation")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0001_initial"),
        ("reports", "0004_history_fk_unindexed"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
