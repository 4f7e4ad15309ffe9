"""What papers hold on a person: authorships, versions saved and reviews written.
Registered in ``PapersConfig.ready()``.

Erasure changes nothing here: authorship stays, shown under the person's pseudonym, so a
published paper keeps its authors and the count of authorships stays correct.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.core.personal_data import Section
from kenesh.papers.models import Authorship, PaperReview, PaperVersion


def export(person) -> list[Section]:
    authorships = Authorship.objects.filter(person=person).select_related("paper")
    sections = [
        Section(
            "authorships",
            _("Authorships"),
            (("paper", _("Paper")), ("role", _("Role")), ("status", _("Status"))),
            [
                {
                    "paper": a.paper.title,
                    "role": a.get_role_display(),
                    "status": a.paper.get_status_display(),
                }
                for a in authorships
            ],
        ),
    ]
    if person.user_id:
        versions = PaperVersion.objects.filter(created_by_id=person.user_id).select_related("paper")
        reviews = PaperReview.objects.filter(reviewer_id=person.user_id).select_related("paper")
        sections += [
            Section(
                "versions",
                _("Versions saved"),
                (
                    ("paper", _("Paper")),
                    ("version", _("Version")),
                    ("note", _("What changed")),
                    ("saved", _("Saved")),
                ),
                [
                    {
                        "paper": v.paper.title,
                        "version": v.number,
                        "note": v.note,
                        "saved": v.created_at,
                    }
                    for v in versions
                ],
            ),
            Section(
                "paper_reviews",
                _("Paper reviews written"),
                (
                    ("paper", _("Paper")),
                    ("kind", _("Kind")),
                    ("verdict", _("Recommendation")),
                    ("comments", _("Comments")),
                    ("submitted", pgettext_lazy("submission date", "Submitted")),
                ),
                [
                    {
                        "paper": r.paper.title,
                        "kind": r.get_kind_display(),
                        "verdict": r.get_verdict_display(),
                        "comments": r.comments,
                        "submitted": r.submitted_at,
                    }
                    for r in reviews
                ],
            ),
        ]
    return [section for section in sections if section.rows]
