from django.db import migrations

from qadam.monitoring.defaults import load_defaults


def load(apps, schema_editor):
    load_defaults(apps.get_model("monitoring", "ProtocolVersion"))


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
