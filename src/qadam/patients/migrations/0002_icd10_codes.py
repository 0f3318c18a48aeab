from django.db import migrations

from qadam.patients.icd10 import load_codes


def load(apps, schema_editor):
    load_codes(apps.get_model("patients", "Icd10Code"))


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
