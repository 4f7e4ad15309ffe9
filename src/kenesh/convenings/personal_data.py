"""What convenings hold on a person. Registered in ``ConveningsConfig.ready()``.

Erasure changes nothing here: participations stay, linked to the pseudonymised person,
so that participant counts and indicators stay correct.
"""

from django.utils.translation import gettext_lazy as _

from kenesh.convenings.models import Decision, Participation, SessionAssignment
from kenesh.convenings.poll_models import SlotAnswer
from kenesh.core.personal_data import Section


def export(person) -> list[Section]:
    participations = Participation.objects.filter(person=person).select_related("convening")
    assignments = SessionAssignment.objects.filter(participation__person=person).select_related(
        "session__convening"
    )
    sections = [
        Section(
            "participations",
            _("Participations"),
            (
                ("convening", _("Convening")),
                ("starts_on", _("Starts")),
                ("role", _("Role")),
                ("invitation", _("Invitation")),
                ("attended", _("Attended")),
                ("invited_at", _("Invited at")),
                ("answered_at", _("Answered at")),
            ),
            [
                {
                    "convening": p.convening.title,
                    "starts_on": p.convening.starts_on,
                    "role": p.get_role_display(),
                    "invitation": p.get_invitation_display(),
                    "attended": p.attended,
                    "invited_at": p.invited_at,
                    "answered_at": p.answered_at,
                }
                for p in participations
            ],
        ),
        Section(
            "session_roles",
            _("Session roles"),
            (("convening", _("Convening")), ("session", _("Session")), ("role", _("Role"))),
            [
                {
                    "convening": a.session.convening.title,
                    "session": a.session.title,
                    "role": a.get_role_display(),
                }
                for a in assignments
            ],
        ),
    ]
    if person.user_id:
        decisions = Decision.objects.filter(recorded_by_id=person.user_id)
        sections.append(
            Section(
                "decisions",
                _("Decisions recorded"),
                (("text", _("Decision")), ("recorded_at", _("Recorded at"))),
                [{"text": d.text, "recorded_at": d.recorded_at} for d in decisions],
            )
        )
    answers = SlotAnswer.objects.filter(participation__person=person).select_related(
        "slot__poll__convening"
    )
    sections.append(
        Section(
            "date_poll_answers",
            _("Answers to date polls"),
            (
                ("convening", _("Convening")),
                ("starts_at", _("Proposed time")),
                ("answer", _("Answer")),
                ("answered_at", _("Answered at")),
            ),
            [
                {
                    "convening": a.slot.poll.convening.title,
                    "starts_at": a.slot.starts_at,
                    "answer": a.get_answer_display(),
                    "answered_at": a.answered_at,
                }
                for a in answers.order_by("slot__starts_at")
            ],
        )
    )
    return [section for section in sections if section.rows]
