"""People's retention rule (registered in ``PeopleConfig.ready``).

- ``people.merged_records``: a record merged into another keeps its names and contact
  details only while the merge can be undone. After the cut-off (never inside the undo
  window) they go as in an erasure: names become the pseudonym, contact details, city,
  position, organisation, expertise, themes, languages and consents are removed; the
  merge record forgets the values it kept for undo and the rows it set aside. What moved
  stays with the record kept.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenesh.core.retention import Rule, register
from kenesh.people.models import CONSENT_FIELDS, MERGE_UNDO_WINDOW, MergeRecord, Person
from kenesh.people.subject import pseudonym_for

_BLANKED = ("email", "phone", "messenger", "city", "position", "expertise")


def _cutoff(before):
    return min(before, timezone.now() - MERGE_UNDO_WINDOW)


def _merged(before):
    return Person.all_objects.filter(
        merged_into__isnull=False, merged_at__lt=_cutoff(before), erased_at__isnull=True
    ).order_by("pk")


def find_merged(before) -> list[str]:
    return [f"merged person {code}" for code in _merged(before).values_list("code", flat=True)]


def purge_merged(before) -> int:
    count = 0
    now = timezone.now()
    for person in _merged(before).select_for_update(of=("self",)):
        person.name = person.name_latin = pseudonym_for(person)
        for field in _BLANKED:
            setattr(person, field, "")
        for field in CONSENT_FIELDS.values():
            setattr(person, field, None)
        person.organization = None
        person.erased_at = now
        person.refresh_derived_fields()
        person.save()
        person.themes.clear()
        person.languages.clear()
        MergeRecord.objects.filter(merged=person).update(fields={}, removed=[])
        count += 1
    return count


def register_rules() -> None:
    if "merged_records" not in settings.KENESH_RETENTION_DAYS:
        return
    register(
        Rule(
            name="people.merged_records",
            policy="merged_records",
            description=_("names and contact details of records merged into another"),
            find=find_merged,
            purge=purge_merged,
        )
    )
