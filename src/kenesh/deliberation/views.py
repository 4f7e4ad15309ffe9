import io
import json

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kenesh.access.decorators import public, requires
from kenesh.core.exports import safe_writer
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.deliberation import polis, queries, services
from kenesh.deliberation.forms import (
    ConversationForm,
    LinksForm,
    ModerationForm,
    PolisImportForm,
    StatementForm,
    TranslationForm,
)
from kenesh.deliberation.models import AnalysisRun, Conversation, StatementStatus
from kenesh.deliberation.opinion.result import MapResult
from kenesh.deliberation.rules import (
    can_see_conversation,
    get_conversation_for,
    get_invited_participant,
    may_vote,
    remember_invitation,
)
from kenesh.people.queries import SMALL_CELL


class SignInFirst(Exception):
    """An anonymous visitor with no invitation link for the conversation."""


def _reach(request, code, *, to: str):
    """The conversation for a page that invitation links open too: anonymous visitors
    without a link are sent to sign in, as on every other page."""
    try:
        return get_conversation_for(request.user, code, to=to, session=request.session)
    except Http404:
        if not request.user.is_authenticated:
            raise SignInFirst from None
        raise


@requires("deliberation.view_conversations")
def conversation_list(request):
    return render(
        request,
        "deliberation/conversation_list.html",
        {"conversations": queries.conversation_list(request.user), "small_cell": SMALL_CELL},
    )


@requires("deliberation.view_conversations")
def conversation_detail(request, code):
    conversation = get_conversation_for(request.user, code)
    can_manage = request.user.has_perm("deliberation.manage")
    can_vote = may_vote(request.user, conversation)
    return render(
        request,
        "deliberation/conversation_detail.html",
        {
            "conversation": conversation,
            "analysis": queries.latest_analysis(conversation),
            "can_vote": can_vote,
            "can_manage": can_manage,
            "statements": conversation.statements.filter(status=StatementStatus.ACCEPTED)
            if can_manage or can_vote
            else [],
            "pending": conversation.statements.filter(status=StatementStatus.PENDING).count()
            if can_manage
            else 0,
        },
    )


@requires("deliberation.manage")
def conversation_create(request):
    form = ConversationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.create_conversation(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The conversation was opened. Add seed statements."))
            return redirect("deliberation:statements", code=conversation.code)
    return render(
        request,
        "deliberation/conversation_form.html",
        {"form": form},
        status=refusal_status(form),
    )


@requires("deliberation.manage")
def statements_manage(request, code):
    """Seed statements, the moderation queue and translations, for staff."""
    conversation = get_conversation_for(request.user, code, to="manage")
    post = request.POST if request.method == "POST" else {}
    form = StatementForm(
        post if "seed" in post else None, initial={"language": conversation.language}
    )
    translation_form = TranslationForm(post if "translate" in post else None)
    answer: HttpResponse | int = 200
    if "seed" in post and form.is_valid():
        answer = _add_seed(request, conversation, form)
    elif "translate" in post:
        answer = _add_translation(request, conversation, translation_form)
    elif "moderate" in post:
        answer = _moderate(request, conversation)
    if isinstance(answer, HttpResponse):
        return answer
    statements = conversation.statements.prefetch_related("translations", "moderations__by")
    return render(
        request,
        "deliberation/statements_manage.html",
        {
            "conversation": conversation,
            "form": form,
            "translation_form": translation_form,
            "pending": [s for s in statements if s.status == StatementStatus.PENDING],
            "statements": [s for s in statements if s.status != StatementStatus.PENDING],
        },
        status=answer,
    )


# A handler of the statements page's forms answers with the redirect after success, or
# with the status of the page shown again with what went wrong.


def _add_seed(
    request: HttpRequest, conversation: Conversation, form: StatementForm
) -> HttpResponse | int:
    """Add the valid seed statement ``form`` holds."""
    try:
        services.add_statement(
            conversation=conversation, by=request.user, author=None, **form.cleaned_data
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return 200
    messages.success(request, _("The statement was added."))
    return redirect("deliberation:statements", code=conversation.code)


def _add_translation(
    request: HttpRequest, conversation: Conversation, translation_form: TranslationForm
) -> HttpResponse | int:
    """Save a translation of one of the conversation's statements, named by its number."""
    if not translation_form.is_valid():
        return 400 if translation_form.has_error("statement") else 200
    data = translation_form.cleaned_data
    statement = conversation.statements.filter(number=data["statement"]).first()
    if statement is None:
        translation_form.add_error(
            "statement", _("This conversation has no statement with this number.")
        )
        return 404
    try:
        services.translate(
            statement=statement,
            language=data["language"],
            text=data["text"],
            by=request.user,
        )
    except ValidationError as error:
        add_service_errors(translation_form, error)
        return 200
    messages.success(request, _("The translation was saved."))
    return redirect("deliberation:statements", code=conversation.code)


def _moderate(request: HttpRequest, conversation: Conversation) -> HttpResponse | int:
    """Accept or reject a statement of the moderation queue, named by its code; what
    went wrong is said in a message, as the queue has no form of its own to show it."""
    moderation = ModerationForm(request.POST)
    if not moderation.is_valid():
        problems = [e for errors in moderation.errors.values() for e in errors]
        if moderation.has_error("statement"):
            problems = [_("That statement could not be read; nothing was recorded.")]
        messages.error(request, " ".join(problems))
        return 400
    statement = conversation.statements.filter(code=moderation.cleaned_data["statement"]).first()
    if statement is None:
        messages.error(
            request,
            _("This conversation has no such statement; nothing was recorded."),
        )
        return 404
    try:
        services.moderate(
            statement=statement,
            accept=moderation.accept,
            reason=moderation.cleaned_data["reason"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return 400
    messages.success(request, _("The moderation was recorded."))
    return redirect("deliberation:statements", code=conversation.code)


@requires("deliberation.manage")
def links(request, code):
    conversation = get_conversation_for(request.user, code, to="manage")
    form = LinksForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_invitation_links(
                conversation=conversation, count=form.cleaned_data["count"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The links were made. Hand each one to one person."))
            return redirect("deliberation:links", code=code)
    return render(
        request,
        "deliberation/links.html",
        {
            "conversation": conversation,
            "form": form,
            "participants": conversation.participants.filter(person__isnull=True).annotate(
                n_votes=Count("votes")
            ),
        },
    )


@public
def join_link(request, token):
    """An invitation link: remember the pseudonymous place in this browser session."""
    participant = get_invited_participant(token)
    remember_invitation(request.session, participant)
    return redirect("deliberation:vote", code=participant.conversation.code)


@public
def results(request, code):
    """The map, for those who see the conversation and for invitation-link holders."""
    try:
        conversation = _reach(request, code, to="view")
    except SignInFirst:
        return redirect_to_login(request.get_full_path())
    exact = request.user.has_perm("deliberation.view_exact_results")
    analysis = queries.latest_analysis(conversation)
    context = {
        "conversation": conversation,
        "analysis": analysis,
        "exact": exact,
        "small_cell": SMALL_CELL,
        "can_manage": request.user.has_perm("deliberation.manage"),
        # Invitation-link holders go back to voting: the conversation's own page is
        # for those who may know it.
        "detail_link": can_see_conversation.test(request.user, conversation),
        "progress": queries.analysis_progress(conversation),
    }
    if analysis is not None and analysis.state == "done":
        context.update(queries.results_view(conversation, analysis.map_result, exact=exact))
    return render(request, "deliberation/results.html", context)


@public
def analysis_progress(request, code):
    """How the latest redraw stands, polled by the results page while it is not
    finished. ``seen`` is the status the page shows: while unchanged, nothing is sent
    (204), so screen readers hear each change once."""
    try:
        conversation = _reach(request, code, to="view")
    except SignInFirst:
        return redirect_to_login(request.get_full_path())
    progress = queries.analysis_progress(conversation)
    if progress is not None and request.GET.get("seen") == progress.status:
        return HttpResponse(status=204)
    return render(
        request,
        "deliberation/analysis_progress.html",
        {
            "conversation": conversation,
            "progress": progress,
            "polled": True,
            "can_manage": request.user.has_perm("deliberation.manage"),
        },
    )


@require_POST
@requires("deliberation.manage")
def analyze_now(request, code):
    conversation = get_conversation_for(request.user, code, to="manage")
    services.request_analysis(conversation=conversation, by=request.user)
    messages.info(
        request, _("The map is being redrawn in the background; this page shows how it goes.")
    )
    return redirect("deliberation:results", code=code)


EXPORTS = {"polis.zip", "json", "csv"}


@requires("deliberation.manage")
def export(request, code, fmt):
    conversation = get_conversation_for(request.user, code, to="manage")
    if fmt not in EXPORTS:
        raise Http404
    analysis = queries.latest_analysis(conversation)
    if fmt == "polis.zip":
        response = HttpResponse(polis.polis_export(conversation), content_type="application/zip")
    elif analysis is None or analysis.state != "done":
        messages.error(request, _("There are no results to export yet."))
        return redirect("deliberation:results", code=code)
    elif fmt == "json":
        body = {
            "conversation": conversation.title,
            "analysed_at": analysis.created_at.isoformat(),
            "votes": analysis.votes,
            "result": analysis.result,
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json"
        )
    else:
        response = HttpResponse(
            "\ufeff" + _results_csv(conversation, analysis.map_result),
            content_type="text/csv; charset=utf-8",
        )
    services.record_export(conversation=conversation, fmt=fmt, by=request.user)
    response["Content-Disposition"] = f'attachment; filename="kenesh-{conversation.code}.{fmt}"'
    return response


def _results_csv(conversation, result: MapResult) -> str:
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(
        [
            "number",
            "statement",
            "group_informed_consensus",
            "bridging",
            "consensus",
            "representative_of_groups",
        ]
    )
    reps: dict[int, list[str]] = {}
    for group, picks in result.representative.items():
        for pick in picks:
            reps.setdefault(pick.statement, []).append(f"{group}:{pick.direction}")
    for statement in conversation.statements.filter(status=StatementStatus.ACCEPTED):
        writer.writerow(
            [
                statement.number,
                statement.text,
                result.group_consensus.get(statement.number, ""),
                result.bridging.get(statement.number, ""),
                statement.number in result.consensus,
                " ".join(reps.get(statement.number, [])),
            ]
        )
    return out.getvalue()


@requires("deliberation.manage")
def polis_import(request):
    """The files are read and checked here (a bad one changes nothing); the map is then
    drawn by a background worker, its progress shown on the results page."""
    form = PolisImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = polis.import_polis(
                title=form.cleaned_data["title"],
                comments=form.cleaned_data["comments"].read(),
                votes=form.cleaned_data["votes"].read(),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            services.request_analysis(
                conversation=conversation, by=request.user, reason=AnalysisRun.Reason.IMPORT
            )
            messages.success(
                request,
                _("The conversation was imported; its map is being drawn in the background."),
            )
            return redirect("deliberation:results", code=conversation.code)
    return render(request, "deliberation/polis_import.html", {"form": form})
