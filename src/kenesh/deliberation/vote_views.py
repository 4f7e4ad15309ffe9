"""The vote page of a conversation and its three actions, each with its own handler: a
vote from the card, a statement sent for moderation, and the attributes a participant
chooses to declare.

The page itself is GET only; each action is POST only. Without JavaScript an action's
form posts and the browser comes back to the page with a message, or, when the input is
refused, gets the page again saying why, with nothing changed. With htmx only the part
that changed is swapped in (vote.js moves the focus and tells screen readers). Who may
vote, which statements they are offered and what waits for moderation are decided by the
rules' access functions and the services, as before the split.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kenesh.access.decorators import public
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.deliberation import queries, services
from kenesh.deliberation.forms import AttributesForm, StatementForm, VoteForm
from kenesh.deliberation.models import Participant, StatementStatus
from kenesh.deliberation.rules import get_conversation_for, invitation_in, own_participant


class SignInFirst(Exception):
    """An anonymous visitor with no invitation link for the conversation."""


def _reach(request, code):
    """The conversation ``request`` may vote in (invitation links held in the session
    open it too): 404 where its existence is private, 403 where it may be seen but not
    voted in. Anonymous visitors without a link are sent to sign in, as elsewhere."""
    try:
        return get_conversation_for(request.user, code, to="vote", session=request.session)
    except Http404:
        if not request.user.is_authenticated:
            raise SignInFirst from None
        raise


def _sign_in(code):
    """To the sign-in page, coming back to the vote page (an action's URL is POST only)."""
    return redirect_to_login(reverse("deliberation:vote", kwargs={"code": code}))


def _voter(request, conversation) -> tuple[Participant | None, object]:
    """Who votes here: the participant of an invitation link held in this session, or
    the signed-in member's own place (None until their first vote) and their person."""
    invited = invitation_in(request.session, conversation)
    if invited is not None:
        return invited, None
    person = getattr(request.user, "person", None)
    return own_participant(conversation, person), person


def _card_context(request, conversation, participant, **extra):
    """What the vote card shows: the next statement in the reader's language, and how
    far they are."""
    seed = request.user.pk or 0
    statement = queries.next_statement(conversation, participant, seed=seed)
    text, language = (None, None)
    if statement is not None:
        text, language = queries.text_in(statement, (get_language() or "en")[:2])
    accepted = conversation.statements.filter(status=StatementStatus.ACCEPTED)
    return {
        "conversation": conversation,
        "participant": participant,
        "statement": statement,
        "text": text,
        "language": language,
        "voted": participant.votes.count() if participant is not None else 0,
        "remaining": (
            accepted.exclude(votes__participant=participant) if participant else accepted
        ).count(),
        **extra,
    }


def _statement_form(conversation, data=None):
    return StatementForm(data, initial={"language": (get_language() or conversation.language)[:2]})


def _attributes_form(participant, person, data=None):
    declared = participant or person
    return AttributesForm(
        data,
        initial={
            "country": getattr(declared, "country", ""),
            "track": getattr(declared, "track", ""),
            "sector": getattr(declared, "sector", ""),
        },
    )


def _page(request, conversation, participant, person, *, status=200, **forms_and_error):
    """The whole page, with unbound forms for the parts not given."""
    forms_and_error.setdefault("statement_form", _statement_form(conversation))
    forms_and_error.setdefault("attributes_form", _attributes_form(participant, person))
    return render(
        request,
        "deliberation/vote.html",
        _card_context(request, conversation, participant, **forms_and_error),
        status=status,
    )


@require_GET
@public
def vote(request, code):
    """One statement at a time; each vote is saved at once. Opening the page writes
    nothing: a member's place is made by their first vote, statement or answer."""
    try:
        conversation = _reach(request, code)
    except SignInFirst:
        return redirect_to_login(request.get_full_path())
    participant, person = _voter(request, conversation)
    return _page(request, conversation, participant, person)


@require_POST
@public
def cast_vote(request, code):
    """A vote from the card. A vote that cannot be read is a 400, one for a statement
    this conversation does not have a 404; either way nothing is recorded and the card
    says why."""
    try:
        conversation = _reach(request, code)
    except SignInFirst:
        return _sign_in(code)
    participant, person = _voter(request, conversation)
    form = VoteForm(request.POST)
    error, status = None, 200
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        status = 400
    else:
        statement = form.statement_in(conversation)
        if statement is None:
            error = _("This conversation has no such statement; nothing was recorded.")
            status = 404
        else:
            try:
                participant = services.cast_vote(
                    conversation=conversation,
                    statement=statement,
                    value=form.cleaned_data["value"],
                    language=form.cleaned_data["language"],
                    participant=participant,
                    person=person,
                ).participant
            except ValidationError as problem:
                error = " ".join(problem.messages)
                status = 400
    if request.htmx:
        return render(
            request,
            "deliberation/vote_card.html",
            _card_context(request, conversation, participant, error=error, just_voted=True),
            status=status,
        )
    if error is None:
        messages.success(request, _("Your vote was saved."))
        return redirect("deliberation:vote", code=conversation.code)
    return _page(request, conversation, participant, person, error=error, status=status)


_PARTS = {
    "statement_form": "deliberation/vote_statement.html",
    "attributes_form": "deliberation/vote_attributes.html",
}


def _answer(request, conversation, key, form, *, done=None, voter=None):
    """How the statement and "about you" forms answer. Done: htmx gets its part of the
    page again with a fresh form and the message, a plain POST goes back to the page
    with the message. Refused: the form saying why, 400 for a choice never offered or
    the service's refusal (the conversation takes no statements now), 200 for an
    ordinary mistake; htmx gets the part, a plain POST the whole page."""
    if done is not None:
        if request.htmx:
            context = {"conversation": conversation, key: form, "done": done}
            return render(request, _PARTS[key], context)
        messages.success(request, done)
        return redirect("deliberation:vote", code=conversation.code)
    status = max(refusal_status(form), 400 if form.non_field_errors() else 200)
    if request.htmx:
        return render(
            request, _PARTS[key], {"conversation": conversation, key: form}, status=status
        )
    participant, person = voter
    return _page(request, conversation, participant, person, status=status, **{key: form})


@require_POST
@public
def submit_statement(request, code):
    """A participant's statement, sent for moderation. Refused (empty, too long, a
    repeat, a conversation that takes none): the form again saying why, nothing kept."""
    try:
        conversation = _reach(request, code)
    except SignInFirst:
        return _sign_in(code)
    participant, person = _voter(request, conversation)
    form = _statement_form(conversation, request.POST)
    if form.is_valid():
        try:
            services.submit_statement(
                conversation=conversation,
                participant=participant,
                person=person,
                **form.cleaned_data,
            )
        except ValidationError as problem:
            add_service_errors(form, problem)
        else:
            done = _("Thank you. Your statement will appear after moderation.")
            return _answer(
                request, conversation, "statement_form", _statement_form(conversation), done=done
            )
    return _answer(request, conversation, "statement_form", form, voter=(participant, person))


@require_POST
@public
def declare_attributes(request, code):
    """Country, generation and sector, each optional, used only in totals. A choice the
    form never offered: the form again saying why, nothing changed."""
    try:
        conversation = _reach(request, code)
    except SignInFirst:
        return _sign_in(code)
    participant, person = _voter(request, conversation)
    form = _attributes_form(participant, person, request.POST)
    if form.is_valid():
        try:
            participant = services.declare_attributes(
                conversation=conversation,
                participant=participant,
                person=person,
                **form.cleaned_data,
            )
        except ValidationError as problem:
            add_service_errors(form, problem)
        else:
            done = _("Saved. These answers are used only in totals.")
            fresh = _attributes_form(participant, person)
            return _answer(request, conversation, "attributes_form", fresh, done=done)
    return _answer(request, conversation, "attributes_form", form, voter=(participant, person))
