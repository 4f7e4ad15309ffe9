"""Store applicants' addresses in lower case, so one address is one application per call
whatever the letter case typed. Where two applications to a call already differ only in
letter case, both are left as they are: neither can be chosen over the other here."""

from django.db import migrations
from django.db.models.functions import Lower


def lower_case_emails(apps, schema_editor):
    Application = apps.get_model("mentoring", "Application")
    mixed = Application.objects.exclude(email=Lower("email"))
    for application in mixed.iterator():
        lowered = application.email.strip().lower()
        clash = (
            Application.objects.filter(call_id=application.call_id, email__iexact=lowered)
            .exclude(pk=application.pk)
            .exists()
        )
        if not clash:
            Application.objects.filter(pk=application.pk).update(email=lowered)


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0002_replacements_min_reviews_recorded_by")]

    operations = [migrations.RunPython(lower_case_emails, migrations.RunPython.noop)]
