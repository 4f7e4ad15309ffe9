"""Pages of date polls: staff propose times, send the poll and choose; invitees answer
signed in or from the mail's link. Each time is shown in the reader's own zone and in
UTC. Names appear to staff only; other invitees of a public or Chatham House convening
see counts, those of a closed one their own answers only."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kenesh.access.decorators import public, requires
from kenesh.access.predicates import is_staff
from kenesh.convenings import poll_queries, poll_services
from kenesh.convenings.poll_forms import PollAnswerForm, SlotForm
from kenesh.convenings.poll_models import Answer
from kenesh.convenings.rules import get_convening_for, viewer_participation
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.notifications import links, zones
from kenesh.notifications import services as notify


@requires("convenings.manage")
def poll(request, code):
    """Staff: propose times, see who answered what, send the poll, choose a time."""
    convening = get_convening_for(request.user, code, to="manage")
    poll = poll_queries.poll_of(convening)
    form = SlotForm(
        request.POST or None,
        initial={"zone": poll_services.convening_zone(convening).key},
    )
    if request.method == "POST" and form.is_valid():
        try:
            poll_services.propose_slots(
                convening=convening, slots=[form.moments()], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The time was added to the poll."))
            return redirect("convenings:poll", code=convening.code)
    context = {
        "convening": convening,
        "poll": poll,
        "form": form,
        "zone": poll_queries.viewer_zone(request.user),
    }
    if poll is not None:
        context["counts"] = poll_queries.slot_counts(poll)
        context["slots"], context["grid"] = poll_queries.answer_grid(poll)
    return render(request, "convenings/poll_manage.html", context, status=refusal_status(form))


def _poll_slot(request, convening):
    """The poll of ``convening`` and the slot the POST names (None when either is
    missing, or the slot is another poll's)."""
    poll = poll_queries.poll_of(convening)
    code = _code(request.POST.get("slot"))
    slot = poll_queries.slot_of(poll, code) if poll and code else None
    return poll, slot


def _code(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@require_POST
@requires("convenings.manage")
def poll_send(request, code):
    convening = get_convening_for(request.user, code, to="manage")
    try:
        sent = poll_services.send_poll(convening=convening, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "The poll was sent to %(count)s person; no one receives it twice.",
                "The poll was sent to %(count)s people; no one receives it twice.",
                sent,
            )
            % {"count": sent},
        )
    return redirect("convenings:poll", code=convening.code)


@require_POST
@requires("convenings.manage")
def poll_choose(request, code):
    convening = get_convening_for(request.user, code, to="manage")
    poll, slot = _poll_slot(request, convening)
    if slot is None:
        messages.error(request, _("Choose one of the proposed times."))
        return redirect("convenings:poll", code=convening.code)
    try:
        poll_services.choose_slot(poll=poll, slot=slot, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("convenings:poll", code=convening.code)
    messages.success(request, _("The time was chosen; the convening's dates follow it."))
    return redirect("convenings:convening-detail", code=convening.code)


@require_POST
@requires("convenings.manage")
def poll_withdraw(request, code):
    convening = get_convening_for(request.user, code, to="manage")
    _poll, slot = _poll_slot(request, convening)
    if slot is None:
        messages.error(request, _("Choose one of the proposed times."))
        return redirect("convenings:poll", code=convening.code)
    try:
        poll_services.withdraw_slot(slot=slot, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The time was withdrawn."))
    return redirect("convenings:poll", code=convening.code)


def _answer_context(convening, poll, participation, zone, form, *, answering=True):
    """The page's rows: each proposed time with its radio group (times still to come,
    poll open), the viewer's own answer, and counts where the convening is not closed."""
    counts = {}
    if not convening.is_closed:
        counts = {c.slot.pk: c for c in poll_queries.slot_counts(poll)}
    mine = poll_queries.answers_of(participation, poll)
    fields = {slot.pk: field for slot, field in form.rows()}
    rows = [
        {
            "slot": slot,
            "field": fields.get(slot.pk) if answering and not poll.is_closed else None,
            "past": slot.is_past,
            "mine": Answer(mine[slot.pk]).label if slot.pk in mine else "",
            "count": counts.get(slot.pk),
            "chosen": slot.pk == poll.chosen_slot_id,
        }
        for slot in poll.slots.all()
    ]
    return {
        "convening": convening,
        "closed": convening.is_closed,
        "poll": poll,
        "rows": rows,
        "form": form,
        "zone": zone,
        "utc": zones.zone_named("UTC"),
    }


@requires("convenings.view_convenings")
def poll_answer(request, code):
    """An invitee marks the proposed times, signed in. Staff are taken to their page."""
    convening = get_convening_for(request.user, code)
    participation = viewer_participation(request.user, convening)
    if participation is None:
        if is_staff(request.user):
            return redirect("convenings:poll", code=convening.code)
        raise PermissionDenied
    poll = poll_queries.poll_of(convening)
    if poll is None or poll.sent_at is None:
        # Whether staff are preparing a poll is theirs to tell: say only there is none.
        return render(request, "convenings/poll_answer.html", {"convening": convening})
    form = PollAnswerForm(
        None if poll.is_closed else request.POST or None,
        slots=poll.slots.all(),
        answers=poll_queries.answers_of(participation, poll),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            poll_services.answer_poll(
                participation=participation, answers=form.answers(), by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            messages.success(request, _("Your answers were recorded."))
            return redirect("convenings:poll-answer", code=convening.code)
    elif request.method == "POST":
        status = refusal_status(form) if not poll.is_closed else 400
    context = _answer_context(
        convening, poll, participation, poll_queries.viewer_zone(request.user), form
    )
    return render(request, "convenings/poll_answer.html", context, status=status)


def _refused(request, message, status):
    return render(request, "notifications/link_refused.html", {"reason": message}, status=status)


@public
def poll_link(request, token):
    """A link from a poll mail: answer without signing in. GET shows the times in the
    person's zone with the form (a mail scanner following links answers nothing); POST
    records, once. Forged or wrong links: 400; expired or used ones: 410; nothing is
    written either way."""
    try:
        link = links.read(token, action=poll_services.LINK_ACTION)
        participation = poll_services.participation_of(link)
    except links.LinkRefused as refused:
        return _refused(request, refused.message, 410 if refused.reason == "expired" else 400)
    convening = participation.convening
    poll = convening.date_poll
    used = links.is_spent(link)
    open_form = not poll.is_closed and not used
    form = PollAnswerForm(
        request.POST if request.method == "POST" and open_form else None,
        slots=poll.slots.all(),
        answers=poll_queries.answers_of(participation, poll),
    )
    status = 200
    if request.method == "POST" and not open_form:
        status = 410
    elif request.method == "POST" and form.is_valid():
        try:
            poll_services.answer_by_link(link=link, answers=form.answers())
        except poll_services.LinkUsed:
            used, status = True, 410
        except links.LinkRefused as refused:
            return _refused(request, refused.message, 400)
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            used = True
    elif request.method == "POST":
        status = refusal_status(form)
    zone = notify.recipient_for(person=participation.person).zone
    answered = request.method == "POST" and status == 200
    context = _answer_context(
        convening, poll, participation, zone, form, answering=not (used or answered)
    )
    context.update(used=used, answered=answered, person=participation.person)
    return render(request, "convenings/poll_link.html", context, status=status)
