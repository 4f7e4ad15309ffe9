"""The audit trail as sentences people can read (after pretix's ``logdisplay``).

Each action code written through ``log_action`` has a translated sentence whose named
placeholders are filled from the entry's actor (``%(actor)s``) and its ``data``. A list in
``data`` gives both ``%(key)s`` (its items joined) and ``%(key_count)s`` (how many). Values
that are choices of a model field (a role, a status) are shown by their label. The table
below names models only as strings, so core imports no app; an app may add its own codes
with ``register`` in its ``ready()``. An unknown code still gets a readable sentence.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from kenesh.core.audit import MASK
from kenesh.core.numbers import format_number


@dataclass(frozen=True)
class Sentence:
    template: Promise | str
    # data key -> "app_label.model.field" whose choices give the value's label, or a dict
    # of labels by value (or a callable returning one: ``label_values``)
    choices: dict[str, str | dict | Callable[[], dict]] = field(default_factory=dict)
    # the data key whose number chooses the plural form of ``template`` (then an
    # ``ngettext_lazy`` whose number is that key)
    count: str | None = None
    # placeholder -> (data key, ``ngettext_lazy`` phrase with ``%(count)s``): a second
    # number in the sentence, said with its own plural forms
    phrases: dict[str, tuple[str, Promise]] = field(default_factory=dict)
    # the sentence for an entry no user wrote (a link from a mail, a command, the demo):
    # said without an actor, so no "(а)" verb has to agree with "the platform"
    no_actor: Promise | str | None = None
    # data keys holding a number stored as text ("15.0000"), shown localized ("15")
    numbers: tuple[str, ...] = ()


_sentences: dict[str, Sentence] = {}


def register(
    action: str,
    template,
    *,
    choices: dict[str, str] | None = None,
    count: str | None = None,
    phrases: dict[str, tuple[str, Promise]] | None = None,
    no_actor=None,
    numbers: tuple[str, ...] = (),
) -> None:
    """Describe ``action`` by ``template`` (a gettext_lazy string with named placeholders,
    or an ngettext_lazy one whose plural form follows the number in data key ``count``);
    ``no_actor`` is its sentence when no user did it (same placeholders, no actor)."""
    _sentences[action] = Sentence(
        template, dict(choices or {}), count, dict(phrases or {}), no_actor, tuple(numbers)
    )


def label_values(action: str, key: str, labels: Callable[[], dict]) -> None:
    """Show the values under data ``key`` of ``action`` by their labels: ``labels()``,
    called when an entry is shown, maps each value to its (lazy) label. For an app whose
    labels core cannot name (core imports no app); call it from the app's ``ready()``."""
    sentence = _sentences[action]
    _sentences[action] = replace(sentence, choices={**sentence.choices, key: labels})


def known_actions() -> list[str]:
    return sorted(_sentences)


class _Blank(dict):
    def __missing__(self, key):
        return "…"


class _BlankNumber(int):
    """A number that chooses a plural form but reads as a blank."""

    def __str__(self):
        return "…"


class _MissingNumber(int):
    """A number a stored entry lacks: it chooses a plural form and reads as a dash."""

    def __str__(self):
        return "—"


def action_label(action: str) -> str:
    """The action's sentence with its details left blank, to name a kind of action."""
    sentence = _sentences.get(action)
    if sentence is None:
        return action
    blank = _Blank(actor="…")
    if sentence.count:
        blank[sentence.count] = _BlankNumber(5)
    try:
        return sentence.template % blank
    except (TypeError, ValueError):
        return action


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every known action by its blank sentence, grouped by the app that writes it."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in known_actions():
        app_label = action.split(".", 1)[0]
        try:
            group = str(apps.get_app_config(app_label).verbose_name)
        except LookupError:
            group = app_label
        groups.setdefault(group, []).append((action, action_label(action)))
    return [(group, sorted(items, key=lambda item: item[1])) for group, items in groups.items()]


def has_sentence(action: str) -> bool:
    return action in _sentences


def actor_name(user) -> str:
    if user is None:
        return gettext("The platform")
    return user.get_full_name() or user.get_username()


def record_label(target_type: str) -> str:
    """The record type's name ("convening"), or the raw label when the model is gone."""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


def _field(spec: str):
    app_label, model, name = spec.split(".")
    try:
        return apps.get_model(app_label, model)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return None


def _choice_label(spec, value) -> str:
    """The label of choice ``value`` of field ``spec`` ("app.model.field"); with a model
    alone ("app.model"), ``value`` is one of its fields, shown by its verbose name. A dict
    gives the labels itself, and a callable gives such a dict when called."""
    if callable(spec):
        spec = spec()
    if isinstance(spec, dict):
        return str(spec.get(value, value))
    if spec.count(".") == 1:
        model_field = _field(f"{spec}.{value}")
        return str(model_field.verbose_name) if model_field is not None else str(value)
    model_field = _field(spec)
    if model_field is not None:
        for key, label in model_field.flatchoices:
            if str(key) == str(value):
                return str(label)
    return str(value)


def _field_names(target_type: str, names) -> list[str]:
    """Field names as the model names them to readers, in the reader's language."""
    labels = []
    for name in names:
        model_field = None
        if target_type.count(".") == 1:
            # consents are dated fields: "quote_consent" is stored as "quote_consent_at"
            model_field = _field(f"{target_type}.{name}") or _field(f"{target_type}.{name}_at")
        labels.append(str(model_field.verbose_name) if model_field is not None else str(name))
    return labels


def _consents(target_type: str, changes) -> list[str]:
    words = {"given": gettext("given"), "withdrawn": gettext("withdrawn")}
    shown = []
    for change in changes:
        name, _sep, how = str(change).partition(":")
        label = _field_names(target_type, [name])[0]
        shown.append(f"{label}: {words.get(how, how)}")
    return shown


def _text(value) -> str:
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if value is None or value == "":
        return "—"
    return str(value)


class _Params(dict):
    """Placeholders for a sentence; one the data lacks reads as a dash, never an error."""

    def __missing__(self, key):
        return "—"


def _params(entry, sentence: Sentence | None) -> _Params:
    params = _Params(actor=actor_name(entry.actor), record=record_label(entry.target_type))
    data = entry.data if isinstance(entry.data, dict) else {}
    choices = sentence.choices if sentence else {}
    numbers = sentence.numbers if sentence else ()
    for key, value in data.items():
        if value == MASK:
            params[key] = MASK
        elif key in numbers:
            params[key] = format_number(None if value == "None" else value)
        elif key == "fields" and isinstance(value, list):
            params[key] = ", ".join(_field_names(entry.target_type, value)) or "—"
        elif key == "related" and isinstance(value, list):
            params[key] = ", ".join(record_label(label) for label in value) or "—"
        elif key == "consents" and isinstance(value, list):
            params[key] = ", ".join(_consents(entry.target_type, value)) or "—"
        elif isinstance(value, list):
            items = [_choice_label(choices[key], v) if key in choices else _text(v) for v in value]
            params[key] = ", ".join(items) or "—"
            params[f"{key}_count"] = len(value)
        elif key in choices:
            params[key] = _choice_label(choices[key], value)
        elif isinstance(value, int) and not isinstance(value, bool):
            params[key] = value  # a count keeps its number for plural forms
        else:
            params[key] = _text(value)
    if sentence:
        for name, (key, phrase) in sentence.phrases.items():
            number = params.get(key)
            params[name] = phrase % {"count": number} if isinstance(number, int) else "—"
    return params


def describe(entry) -> str:
    """One translated sentence for an ``AuditEntry``."""
    sentence = _sentences.get(entry.action)
    params = _params(entry, sentence)
    if sentence is None:
        params["action"] = entry.action
        return gettext("%(actor)s recorded “%(action)s” on a %(record)s.") % params
    if sentence.count and not isinstance(params.get(sentence.count), int):
        params[sentence.count] = _MissingNumber()  # a stored entry without its number
    template = sentence.template
    if entry.actor is None and sentence.no_actor is not None:
        template = sentence.no_actor
    try:
        return template % params
    except (TypeError, ValueError):  # a translation with a broken placeholder
        return gettext("%(actor)s recorded “%(action)s” on a %(record)s.") % _Params(
            params, action=entry.action
        )


# The table is translated when shown, in the reader's language.
PAPER_STATUS = {"from": "papers.policypaper.status", "to": "papers.policypaper.status"}
USER_ROLE = {"role": "access.user.role", "from": "access.user.role", "to": "access.user.role"}

SENTENCES = {
    # core: retention (kenesh purge)
    "core.retention.purged": (
        ngettext_lazy(
            "%(actor)s applied the retention rule %(rule)s to records from before "
            "%(before)s: %(count)s record was removed or cleared.",
            "%(actor)s applied the retention rule %(rule)s to records from before "
            "%(before)s: %(count)s records were removed or cleared.",
            "count",
        ),
        {},
        {
            "count": "count",
            # written by the purge command, never by a user
            "no_actor": ngettext_lazy(
                "The retention rule %(rule)s was applied to records from before "
                "%(before)s: %(count)s record was removed or cleared.",
                "The retention rule %(rule)s was applied to records from before "
                "%(before)s: %(count)s records were removed or cleared.",
                "count",
            ),
        },
    ),
    # access
    "access.user.created": (_("%(actor)s created a sign-in with the role %(role)s."), USER_ROLE),
    "access.user.role_changed": (
        _("%(actor)s changed the role of the sign-in from %(from)s to %(to)s."),
        USER_ROLE,
    ),
    "access.user.deactivated": (_("%(actor)s deactivated the sign-in."), {}),
    "access.user.reactivated": (_("%(actor)s reactivated the sign-in."), {}),
    "access.user.superuser_granted": (
        _("%(actor)s gave the sign-in every permission (superuser)."),
        {},
    ),
    "access.user.superuser_revoked": (
        _("%(actor)s took the superuser status from the sign-in."),
        {},
    ),
    "access.two_step.enabled": (_("%(actor)s turned on two-step sign-in."), {}),
    "access.two_step.disabled": (_("%(actor)s turned off two-step sign-in."), {}),
    "access.two_step.recovery_codes_renewed": (
        _("%(actor)s made new recovery codes for two-step sign-in."),
        {},
    ),
    "access.sessions.ended": (
        ngettext_lazy(
            "%(actor)s ended %(count)s signed-in session of the user (%(reason)s).",
            "%(actor)s ended %(count)s signed-in sessions of the user (%(reason)s).",
            "count",
        ),
        {
            "reason": {
                "role_changed": _("the role changed"),
                "deactivated": _("the sign-in was deactivated"),
                "password_set_by_other": _("someone else set the password"),
                "password_changed": _("the password was changed"),
                "ended_by_user": _("ended by the user"),
                "ended_by_staff": _("ended by staff"),
            }
        },
        {"count": "count"},
    ),
    "demo.login.created": (_("The demo created a sign-in with the role %(role)s."), USER_ROLE),
    # the back office (core.admin_audit)
    "admin.record.added": (_("%(actor)s added the record (%(record)s) in the back office."), {}),
    "admin.record.changed": (
        _(
            "%(actor)s changed the record (%(record)s) in the back office: %(fields)s; "
            "related records: %(related)s."
        ),
        {},
    ),
    "admin.record.deleted": (
        ngettext_lazy(
            "%(actor)s deleted the record (%(record)s) in the back office "
            "(%(count)s record deleted in all).",
            "%(actor)s deleted the record (%(record)s) in the back office "
            "(%(count)s records deleted in all).",
            "count",
        ),
        {},
        {"count": "count"},
    ),
    # people
    "people.person.created": (_("%(actor)s added the person to the roster."), {}),
    "people.person.updated": (
        _("%(actor)s changed the person's record: %(fields)s; consents: %(consents)s."),
        {},
    ),
    "people.profile.updated": (
        _("%(actor)s changed their own profile: %(fields)s; consents: %(consents)s."),
        {},
    ),
    "people.roster.exported": (
        ngettext_lazy(
            "%(actor)s exported %(rows)s row of the roster.",
            "%(actor)s exported %(rows)s rows of the roster.",
            "rows",
        ),
        {},
        {"count": "rows"},
    ),
    "people.person.exported": (_("%(actor)s exported everything held on the person."), {}),
    "people.person.erased": (
        _(
            "%(actor)s erased the person: names replaced by a pseudonym, contacts and "
            "files deleted."
        ),
        {},
    ),
    "people.person.withdrawn": (
        _("%(actor)s withdrew the person from every page non-staff readers see."),
        {},
    ),
    "people.person.restored": (
        _("%(actor)s restored the person to the pages non-staff readers see."),
        {},
    ),
    "people.person.merged": (
        ngettext_lazy(
            "%(actor)s merged the record with %(other)s's: %(moved)s record moved, "
            "%(set_aside_phrase)s; values taken over: %(fields)s.",
            "%(actor)s merged the record with %(other)s's: %(moved)s records moved, "
            "%(set_aside_phrase)s; values taken over: %(fields)s.",
            "moved",
        ),
        {},
        {
            "count": "moved",
            "phrases": {
                "set_aside_phrase": (
                    "set_aside",
                    ngettext_lazy(
                        "%(count)s record set aside as held by both",
                        "%(count)s records set aside as held by both",
                        "count",
                    ),
                )
            },
        },
    ),
    "people.person.merge_undone": (
        _("%(actor)s undid the merge with %(other)s's record: both records are as before."),
        {},
    ),
    "people.account.invited": (
        _(
            "%(actor)s invited the person to sign in as %(role)s (a mail with a link to set "
            "a password)."
        ),
        {"role": "access.user.role"},
    ),
    "people.account.activated": (_("%(actor)s set their password and can sign in."), {}),
    "people.account.role_changed": (
        _("%(actor)s changed the account's role from %(from)s to %(role)s."),
        {"from": "access.user.role", "role": "access.user.role"},
    ),
    "people.account.deactivated": (
        _("%(actor)s deactivated the account: it cannot sign in."),
        {},
    ),
    "people.account.reactivated": (_("%(actor)s reactivated the account."), {}),
    # convenings
    "convenings.convening.created": (_("%(actor)s created the convening."), {}),
    "convenings.convening.updated": (_("%(actor)s changed the convening: %(fields)s."), {}),
    "convenings.session.created": (_("%(actor)s added the session to the agenda."), {}),
    "convenings.session.updated": (_("%(actor)s changed the session."), {}),
    "convenings.people.invited": (
        ngettext_lazy(
            "%(actor)s invited %(people_count)s person as %(role)s.",
            "%(actor)s invited %(people_count)s people as %(role)s.",
            "people_count",
        ),
        {"role": "convenings.participation.role"},
        {"count": "people_count"},
    ),
    "convenings.invitation.answered": (
        _("%(actor)s answered an invitation: %(answer)s."),
        {"answer": "convenings.participation.invitation"},
        # from the mail's link by someone without a sign-in
        {"no_actor": _("The invitee answered from the link in their mail: %(answer)s.")},
    ),
    "convenings.attendance.recorded": (
        ngettext_lazy(
            "%(actor)s recorded attendance: %(changed_count)s participation changed.",
            "%(actor)s recorded attendance: %(changed_count)s participations changed.",
            "changed_count",
        ),
        {},
        {"count": "changed_count"},
    ),
    "convenings.session.role_assigned": (
        _("%(actor)s gave a participant the role of %(role)s in the session."),
        {"role": "convenings.sessionassignment.role"},
    ),
    "convenings.document.attached": (_("%(actor)s attached a document."), {}),
    "convenings.inject.released": (_("%(actor)s released the inject to the teams."), {}),
    "convenings.decision.recorded": (_("%(actor)s recorded the team's decision."), {}),
    "convenings.scenario.created": (_("%(actor)s wrote the simulation's scenario."), {}),
    "convenings.scenario.updated": (
        _("%(actor)s changed the scenario's title or brief (fields: %(fields)s)."),
        {},
    ),
    "convenings.scenario.duplicated": (
        _("%(actor)s started the scenario as a copy of “%(source_title)s”."),
        {},
    ),
    "convenings.scenario.team_saved": (
        _("%(actor)s saved the team %(name)s (fields: %(fields)s)."),
        {},
    ),
    "convenings.scenario.team_removed": (_("%(actor)s removed the team %(name)s."), {}),
    "convenings.scenario.inject_saved": (
        _("%(actor)s saved the inject “%(title)s” (fields: %(fields)s)."),
        {},
    ),
    "convenings.scenario.inject_removed": (
        _("%(actor)s removed the inject “%(title)s”."),
        {},
    ),
    "convenings.teams.assigned": (
        _("%(actor)s divided the participants into teams (sizes: %(sizes)s)."),
        {},
    ),
    "people.organisation.saved": (
        _("%(actor)s saved the organisation's details (fields: %(fields)s)."),
        {},
    ),
    "people.theme.saved": (_("%(actor)s saved the theme (fields: %(fields)s)."), {}),
    "notifications.message.retried": (
        _("%(actor)s queued a failed message to be sent again."),
        {},
    ),
    "notifications.delivery.saved": (
        _("%(actor)s chose how messages reach them."),
        {},
    ),
    "notifications.delivery.unsubscribed": (
        _("%(actor)s stopped one kind of message from a link in a mail: %(kind)s."),
        {"kind": "notifications.message.kind"},
    ),
    "convenings.date_poll.slots_proposed": (
        _("%(actor)s proposed times for the convening's date."),
        {},
    ),
    "convenings.date_poll.slot_withdrawn": (_("%(actor)s withdrew a proposed time."), {}),
    "convenings.date_poll.sent": (
        ngettext_lazy(
            "%(actor)s sent the date poll (%(queued)s mail).",
            "%(actor)s sent the date poll (%(queued)s mails).",
            "queued",
        ),
        {},
        {"count": "queued"},
    ),
    "convenings.date_poll.answered": (
        _("%(actor)s answered the date poll."),
        {},
        {"no_actor": _("An invitee answered the date poll from the link in their mail.")},
    ),
    "convenings.date_poll.slot_chosen": (
        _("%(actor)s chose a time; the convening's dates moved from %(from)s to %(to)s."),
        {},
    ),
    "convenings.calendar_feed.opened": (_("%(actor)s opened a personal calendar feed."), {}),
    "convenings.calendar_feed.revoked": (
        _("%(actor)s revoked their personal calendar feed."),
        {},
    ),
    # deliberation
    "deliberation.conversation.created": (_("%(actor)s opened the conversation."), {}),
    "deliberation.polis.imported": (
        ngettext_lazy(
            "%(actor)s imported a Polis conversation with %(statements)s statement "
            "and %(votes_phrase)s.",
            "%(actor)s imported a Polis conversation with %(statements)s statements "
            "and %(votes_phrase)s.",
            "statements",
        ),
        {},
        {
            "count": "statements",
            "phrases": {
                "votes_phrase": (
                    "votes",
                    ngettext_lazy("%(count)s vote", "%(count)s votes", "count"),
                )
            },
        },
    ),
    "deliberation.statement.submitted": (_("A participant submitted the statement."), {}),
    "deliberation.statement.seeded": (_("%(actor)s added the statement as a seed."), {}),
    "deliberation.statement.moderated": (
        _("%(actor)s moderated the statement: %(decision)s."),
        {"decision": "deliberation.statement.status"},
    ),
    "deliberation.statement.translated": (
        _("%(actor)s translated the statement (language: %(language)s)."),
        {},
    ),
    "deliberation.links.created": (
        ngettext_lazy(
            "%(actor)s created %(count)s invitation link.",
            "%(actor)s created %(count)s invitation links.",
            "count",
        ),
        {},
        {"count": "count"},
    ),
    "deliberation.analysis.requested": (
        _("%(actor)s asked for the opinion map to be drawn again (%(reason)s)."),
        {"reason": "deliberation.analysisrun.reason"},
    ),
    "deliberation.conversation.exported": (
        _("%(actor)s exported the conversation (format: %(format)s)."),
        {},
    ),
    # mentoring
    "mentoring.call.created": (_("%(actor)s created the call."), {}),
    "mentoring.call.updated": (_("%(actor)s changed the call (%(fields)s)."), {}),
    "mentoring.call.opened": (
        _("%(actor)s opened the call on the day (it was to open on %(opens_on_was)s)."),
        {},
    ),
    "mentoring.call.closed": (
        _("%(actor)s closed the call on the day (it was to close on %(closes_on_was)s)."),
        {},
    ),
    "mentoring.call.reviewers_changed": (
        _(
            "%(actor)s changed the call's reviewers (added: %(added)s, removed: %(removed)s, "
            "named now: %(reviewers)s)."
        ),
        {},
    ),
    "mentoring.application.submitted": (_("An applicant submitted the application."), {}),
    "mentoring.application.replacement_refused": (
        _("A second application from the same address was refused."),
        {},
    ),
    "mentoring.application.replacement_held": (
        _("A replacement of the application waits for the applicant's confirmation."),
        {},
    ),
    "mentoring.application.updated": (_("The applicant replaced the application."), {}),
    "mentoring.application.reviewed": (
        _("%(actor)s reviewed the application (conflict of interest declared: %(conflict)s)."),
        {},
    ),
    "mentoring.application.file_opened": (
        _("%(actor)s opened the applicant's file: %(file)s."),
        {"file": "mentoring.application"},
    ),
    "mentoring.cohort.decided": (
        ngettext_lazy(
            "%(actor)s decided the cohort: %(chosen_count)s person chosen, "
            "quotas overridden: %(override)s.",
            "%(actor)s decided the cohort: %(chosen_count)s people chosen, "
            "quotas overridden: %(override)s.",
            "chosen_count",
        ),
        {},
        {
            "count": "chosen_count",
            "no_actor": ngettext_lazy(
                "The cohort was decided: %(chosen_count)s person chosen, "
                "quotas overridden: %(override)s.",
                "The cohort was decided: %(chosen_count)s people chosen, "
                "quotas overridden: %(override)s.",
                "chosen_count",
            ),
        },
    ),
    "mentoring.pairs.made": (
        ngettext_lazy(
            "%(actor)s made %(pairs)s pair of a mentor and a young expert.",
            "%(actor)s made %(pairs)s pairs of mentors and young experts.",
            "pairs",
        ),
        {},
        {
            "count": "pairs",
            # the demo pairs its mentees without a user
            "no_actor": ngettext_lazy(
                "The platform made %(pairs)s pair of a mentor and a young expert.",
                "The platform made %(pairs)s pairs of mentors and young experts.",
                "pairs",
            ),
        },
    ),
    "mentoring.session.logged": (_("%(actor)s logged a mentoring session."), {}),
    "mentoring.assessment.recorded": (
        _("%(actor)s recorded an assessment (stage: %(stage)s)."),
        {"stage": "mentoring.assessment.stage"},
    ),
    "mentoring.milestone.saved": (
        _("%(actor)s saved the milestone “%(title)s” (new: %(created)s)."),
        {},
    ),
    "mentoring.milestone.done": (_("%(actor)s marked the milestone “%(title)s” done."), {}),
    "mentoring.milestone.removed": (_("%(actor)s removed the milestone “%(title)s”."), {}),
    "mentoring.mentorship.goals_updated": (_("%(actor)s updated the plan and goals."), {}),
    "mentoring.mentorship.mentor_changed": (
        _("%(actor)s changed the mentor of the pair (who, when and why are on the page)."),
        {},
    ),
    "mentoring.testimonial.saved": (
        _(
            "%(actor)s recorded a testimonial of %(who)s "
            "(attribution: %(attribution)s; consent to be named: %(name_consent)s)."
        ),
        {
            "who": {"mentee": _("the young expert"), "mentor": _("the mentor")},
            "attribution": "mentoring.testimonial.attribution",
            "name_consent": {
                "on_file": _("on the roster record"),
                "given_now": _("given when recorded"),
                "not_needed": _("not needed"),
            },
        },
    ),
    "mentoring.testimonial.withdrawn": (
        _("%(actor)s withdrew a testimonial of %(who)s and deleted its words."),
        {"who": {"mentee": _("the young expert"), "mentor": _("the mentor")}},
    ),
    # papers
    "papers.paper.created": (_("%(actor)s created the paper."), {}),
    "papers.version.saved": (_("%(actor)s saved version %(version)s of the paper."), {}),
    "papers.paper.submit": (_("%(actor)s submitted the paper for review."), PAPER_STATUS),
    "papers.paper.withdraw": (_("%(actor)s took the paper back to draft."), PAPER_STATUS),
    "papers.paper.start_review": (_("%(actor)s started the review of the paper."), PAPER_STATUS),
    "papers.paper.request_revisions": (
        _("%(actor)s asked for revisions of the paper."),
        PAPER_STATUS,
    ),
    "papers.paper.approve": (_("%(actor)s approved the paper."), PAPER_STATUS),
    "papers.paper.publish": (_("%(actor)s published the paper."), PAPER_STATUS),
    "papers.reviewers.assigned": (_("%(actor)s assigned the paper's reviewers."), {}),
    "papers.paper.authors_changed": (
        _("%(actor)s changed the paper's authors: %(change)s (%(role)s)."),
        {
            "change": {
                "added": _("an author added"),
                "removed": _("an author taken off"),
                "changed": _("an author's role or place changed"),
            },
            "role": "papers.authorship.role",
        },
    ),
    "papers.paper.mentor_changed": (_("%(actor)s changed the paper's mentor."), {}),
    "papers.review.submitted": (
        _("%(actor)s submitted a review of the paper: %(verdict)s."),
        {"verdict": "papers.paperreview.verdict"},
    ),
    # influence
    "influence.recommendation.added": (_("%(actor)s added the recommendation."), {}),
    "influence.recommendation.completed": (
        _("%(actor)s completed the recommendation: %(fields)s."),
        {},
    ),
    "influence.recommendation.changed": (
        _("%(actor)s changed the recommendation: %(fields)s."),
        {},
    ),
    "influence.recommendation.presented": (
        _(
            "%(actor)s recorded the recommendation's presentation at a briefing "
            "(response: %(response)s)."
        ),
        {"response": "influence.presentation.response"},
    ),
    "influence.recommendation.proposed": (
        _("%(actor)s proposed the recommendation from a statement of common ground."),
        {},
    ),
    "influence.outcome.recorded": (
        _("%(actor)s recorded the outcome (%(substantiation)s)."),
        {"substantiation": "influence.outcome.substantiation"},
    ),
    # monitoring
    "monitoring.phase.created": (_("%(actor)s opened the phase."), {}),
    "monitoring.phase.changed": (_("%(actor)s changed the phase: %(fields)s."), {}),
    "monitoring.statement.created": (
        _("%(actor)s added a change statement to the theory of change."),
        {},
    ),
    "monitoring.statement.changed": (
        _("%(actor)s changed the change statement: %(fields)s."),
        {},
    ),
    "monitoring.assumption.created": (_("%(actor)s added the assumption."), {}),
    "monitoring.assumption.changed": (_("%(actor)s changed the assumption: %(fields)s."), {}),
    "monitoring.evidence.added": (
        _("%(actor)s added evidence (%(source)s): %(stance)s."),
        {
            "stance": "monitoring.assumptionevidence.stance",
            "source": "monitoring.assumptionevidence",
        },
    ),
    "monitoring.evidence.changed": (
        _("%(actor)s changed the evidence for an assumption: %(fields)s."),
        {},
    ),
    "monitoring.result.created": (
        _("%(actor)s added the result (%(level)s) to the results framework."),
        {"level": "monitoring.resultnode.level"},
    ),
    "monitoring.result.changed": (_("%(actor)s changed the result: %(fields)s."), {}),
    "monitoring.indicator.created": (
        _("%(actor)s added the indicator (%(kind)s)."),
        {"kind": "monitoring.indicator.kind"},
    ),
    "monitoring.indicator.changed": (_("%(actor)s changed the indicator: %(fields)s."), {}),
    "monitoring.period.created": (
        _("%(actor)s added the reporting period (%(kind)s)."),
        {"kind": "monitoring.period.kind"},
    ),
    "monitoring.period.changed": (
        _("%(actor)s changed the reporting period: %(fields)s."),
        {},
    ),
    "monitoring.target.set": (
        _("%(actor)s set the target at %(value)s."),
        {},
        {"numbers": ("value",)},
    ),
    "monitoring.target.changed": (
        _("%(actor)s changed the target to %(value)s."),
        {},
        {"numbers": ("value",)},
    ),
    "monitoring.value.entered": (
        _("%(actor)s entered the value %(value)s, awaiting approval."),
        {},
        {"numbers": ("value",)},
    ),
    "monitoring.value.changed": (
        _("%(actor)s changed the entered value (%(fields)s); it awaits approval again."),
        {},
        {"numbers": ("value",)},
    ),
    "monitoring.value.approved": (
        _("%(actor)s approved the entered value %(value)s."),
        {},
        {"numbers": ("value",)},
    ),
    "monitoring.report.created": (_("%(actor)s started the report."), {}),
    "monitoring.report.changed": (_("%(actor)s changed the report: %(fields)s."), {}),
    "monitoring.report.sharing_set": (
        _(
            "%(actor)s chose what the report shares with the donor (for the donor: "
            "%(for_donor)s; disaggregations shared: %(shared)s)."
        ),
        {},
    ),
    "monitoring.report.submitted": (
        ngettext_lazy(
            "%(actor)s submitted the report, freezing %(indicators)s indicator value.",
            "%(actor)s submitted the report, freezing %(indicators)s indicator values.",
            "indicators",
        ),
        {},
        {"count": "indicators"},
    ),
    "monitoring.report.render_requested": (
        _("%(actor)s asked for the report as a file (format: %(format)s)."),
        {},
    ),
    "monitoring.report.downloaded": (
        _("%(actor)s downloaded the report (format: %(format)s)."),
        {},
    ),
    "monitoring.phase.exported": (
        _("%(actor)s exported the phase's indicator values (format: %(format)s)."),
        {},
    ),
}

for _action, (_template, _choices, *_counts) in SENTENCES.items():
    register(_action, _template, choices=_choices, **(_counts[0] if _counts else {}))
