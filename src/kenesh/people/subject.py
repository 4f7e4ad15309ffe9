"""A person as the subject of their data: everything held on them, and its erasure.

Other apps register what they hold (``kenesh.core.personal_data``) in their ``ready()``;
this module adds what people and the audit trail hold, and gathers it all for the export
page and the JSON download. ``services.erase_person`` runs the erasers.

Erasure keeps what counts and statistics need and nothing that names or reaches the
person: gender, country, sector, track and the year of birth stay (the diversity page,
indicators and cohort statistics count them, and none names anyone alone among some
hundred experts); names become a pseudonym, and contact details, city, position,
organisation, expertise, themes, languages and consents go.
"""

from django.utils.translation import gettext_lazy as _

from kenesh.core import personal_data
from kenesh.core.models import AuditEntry
from kenesh.core.personal_data import Section
from kenesh.people.models import Person


def pseudonym_for(person: Person) -> str:
    """The name an erased person keeps everywhere: stable, and naming no one."""
    return f"Erased expert {str(person.code)[:8]}"


def _profile(person: Person) -> list[Section]:
    return [
        Section(
            "profile",
            _("Profile"),
            (
                ("code", _("Code")),
                ("name", _("Name as written")),
                ("name_latin", _("Name in Latin letters")),
                ("gender", _("Gender")),
                ("birth_year", _("Year of birth")),
                ("country", _("Country")),
                ("city", _("City")),
                ("organisation", _("Organisation")),
                ("position", _("Position")),
                ("sector", _("Sector")),
                ("track", _("Track")),
                ("can_mentor", _("Can mentor young experts")),
                ("themes", _("Themes")),
                ("languages", _("Working languages")),
                ("expertise", _("Expertise")),
                ("created", _("Created")),
                ("updated", _("Updated")),
            ),
            [
                {
                    "code": str(person.code),
                    "name": person.name,
                    "name_latin": person.name_latin,
                    "gender": person.get_gender_display(),
                    "birth_year": person.birth_year,
                    "country": person.get_country_display(),
                    "city": person.city,
                    "organisation": person.organization.name if person.organization else "",
                    "position": person.position,
                    "sector": person.get_sector_display(),
                    "track": person.get_track_display(),
                    "can_mentor": person.can_mentor,
                    "themes": [theme.label for theme in person.themes.all()],
                    "languages": [str(language) for language in person.languages.all()],
                    "expertise": person.expertise,
                    "created": person.created_at,
                    "updated": person.updated_at,
                }
            ],
        ),
        Section(
            "contacts",
            _("Contact details"),
            (("email", _("Email")), ("phone", _("Phone")), ("messenger", _("Messenger handle"))),
            [{"email": person.email, "phone": person.phone, "messenger": person.messenger}],
        ),
        Section(
            "consents",
            _("Consents"),
            (
                ("data_processing", _("Consent to data processing")),
                ("directory", _("Consent to be listed for other members")),
                ("quotes", _("Consent to quotes with attribution")),
                ("photos", _("Consent to photographs")),
            ),
            [
                {
                    "data_processing": person.data_processing_consent_at,
                    "directory": person.directory_consent_at,
                    "quotes": person.quote_consent_at,
                    "photos": person.photo_consent_at,
                }
            ],
        ),
    ]


def _audit_entries(person: Person):
    condition = AuditEntry.objects.filter(target_type="people.person", target_code=str(person.code))
    if person.user_id:
        user_code = str(person.user.code)
        condition = condition | AuditEntry.objects.filter(
            target_type="access.user", target_code=user_code
        )
    return condition.order_by("at", "id")


def _audit(person: Person) -> list[Section]:
    from kenesh.core.audit_display import describe

    entries = list(_audit_entries(person))
    return [
        Section(
            "audit",
            _("Recorded actions about them"),
            (("at", _("When")), ("action", _("Action")), ("code", _("Action code"))),
            [
                {"at": entry.at, "action": describe(entry), "code": entry.action}
                for entry in entries
            ],
        )
    ]


def _scrub(value, words: set[str]):
    """``value`` with every text that contains one of ``words`` replaced by a mark."""
    if isinstance(value, dict):
        return {key: _scrub(item, words) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, words) for item in value]
    if isinstance(value, str) and any(word in value.lower() for word in words):
        return "***"
    return value


def scrub_audit(person: Person, words: set[str]) -> None:
    """Remove the person's names and addresses from the details of entries about them;
    the entries themselves, their codes and dates stay."""
    words = {word.lower() for word in words if word and len(word) >= 3}
    if not words:
        return
    for entry in _audit_entries(person):
        scrubbed = _scrub(entry.data, words)
        if scrubbed != entry.data:
            AuditEntry.objects.filter(pk=entry.pk).update(data=scrubbed)


def register() -> None:
    personal_data.register("people", title=_("People"), export=_profile, order=10)
    personal_data.register("audit", title=_("Audit trail"), export=_audit, order=900)


def gather(person: Person) -> list[tuple[object, list[Section]]]:
    """Every provider's title and sections for ``person``, empty providers left out."""
    groups = []
    for provider in personal_data.providers():
        sections = provider.export(person)
        if sections:
            groups.append((provider.title, sections))
    return groups


def as_json(person: Person) -> dict:
    """The export as plain data: ``{app: {section: [rows]}}``."""
    return {
        "person": str(person.code),
        "data": {
            provider.app: {section.key: section.as_json() for section in provider.export(person)}
            for provider in personal_data.providers()
        },
    }
