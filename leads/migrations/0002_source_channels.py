"""R-1.2: the managed list of source channels, to start with."""

from django.db import migrations

CHANNELS = [
    ("newspaper", "报纸广告", "Newspaper"),
    ("online", "网络广告", "Online ad"),
    ("billboard", "户外广告牌", "Billboard"),
    ("referral", "老客户介绍", "Referral"),
    ("passing", "路过", "Passing by"),
    ("phone", "来电", "Phone"),
    ("other", "其他", "Other"),
]


def create(apps, schema_editor):
    SourceChannel = apps.get_model("leads", "SourceChannel")
    for position, (code, name, name_en) in enumerate(CHANNELS):
        SourceChannel.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
