from django.db import migrations

CODES = ["ru", "en", "kk", "ky", "tg", "uz", "prs", "ps", "tr", "zh", "de", "fr"]


def add_languages(apps, schema_editor):
    Language = apps.get_model("people", "Language")
    for code in CODES:
        Language.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_languages, migrations.RunPython.noop)]
