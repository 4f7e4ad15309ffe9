import csv
import io
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kenesh.access.decorators import public, requires
from kenesh.deliberation import polis, queries, services
from kenesh.deliberation.forms import (
    AttributesForm,
    ConversationForm,
    LinksForm,
    PolisImportForm,
    StatementForm,
    TranslationForm,
)
from kenesh.deliberation.models import Conversation, Participant, Statement, StatementStatus
from kenesh.deliberation.rules import get_conversation_for
from kenesh.people.queries import SMALL_CELL


def _session_key(conversation) -> str:
    return f"kenesh-participant-{conversation.code}"


def participant_for(request, conversation) -> Participant | None:
    """The participant voting here: from an invitation link held in the session, or the
    signed-in member's own place (made on first visit where they may join)."""
    code = request.session.get(_session_key(conversation))
    if code:
        participant = Participant.objects.filter(conversation=conversation, code=code).first()
        if participant is not None:
            return participant
    user = request.user
    if user.is_authenticated and user.has_perm("deliberation.vote", conversation):
        person = getattr(user, "person", None)
        if person is not None and conversation.anonymity == "named":
            return services.join(conversation=conversation, person=person)
    return None


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
    return render(
        request,
        "deliberation/conversation_detail.html",
        {
            "conversation": conversation,
            "analysis": queries.latest_analysis(conversation),
            "can_vote": request.user.has_perm("deliberation.vote", conversation),
            "can_manage": can_manage,
            "statements": conversation.statements.filter(status=StatementStatus.ACCEPTED)
            if can_manage or request.user.has_perm("deliberation.vote", conversation)
            else [],
            "pending": conversation.statements.filter(status=StatementStatus.PENDING).count()
            if can_manage
            else 0,
        },
    )


@requires("deliberation.manage")
def conversation_create(request):
    form = ConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        conversation = services.create_conversation(by=request.user, **form.cleaned_data)
        messages.success(request, _("The conversation was opened. Add seed statements."))
        return redirect("deliberation:statements", code=conversation.code)
    return render(request, "deliberation/conversation_form.html", {"form": form})


@requires("deliberation.manage")
def statements_manage(request, code):
    """Seed statements, the moderation queue and translations, for staff."""
    conversation = get_conversation_for(request.user, code, to="manage")
    form = StatementForm(
        request.POST if "seed" in request.POST else None,
        initial={"language": conversation.language},
    )
    translation_form = TranslationForm(request.POST if "translate" in request.POST else None)
    if request.method == "POST":
        try:
            if "seed" in request.POST and form.is_valid():
                services.add_statement(
                    conversation=conversation, by=request.user, author=None, **form.cleaned_data
                )
                messages.success(request, _("The statement was added."))
                return redirect("deliberation:statements", code=code)
            if "translate" in request.POST and translation_form.is_valid():
                data = translation_form.cleaned_data
                statement = conversation.statements.filter(number=data["statement"]).first()
                if statement is None:
                    translation_form.add_error("statement", _("No statement has this number."))
                else:
                    services.translate(
                        statement=statement,
                        language=data["language"],
                        text=data["text"],
                        by=request.user,
                    )
                    messages.success(request, _("The translation was saved."))
                    return redirect("deliberation:statements", code=code)
            if "moderate" in request.POST:
                statement = get_object_or_404(
                    Statement, conversation=conversation, code=request.POST.get("statement")
                )
                services.moderate(
                    statement=statement,
                    accept=request.POST["moderate"] == "accept",
                    reason=request.POST.get("reason", "")[:300],
                    by=request.user,
                )
                messages.success(request, _("The moderation was recorded."))
                return redirect("deliberation:statements", code=code)
        except ValidationError as error:
            (form if "seed" in request.POST else translation_form).add_error(None, error)
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
    )


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
            form.add_error(None, error)
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
    participant = Participant.objects.filter(token=token).select_related("conversation").first()
    if participant is None or participant.person_id is not None:
        raise Http404
    request.session[_session_key(participant.conversation)] = str(participant.code)
    return redirect("deliberation:vote", code=participant.conversation.code)


def _vote_context(request, conversation, participant, **extra):
    statement = queries.next_statement(participant)
    text, language = (None, None)
    if statement is not None:
        text, language = queries.text_in(statement, (get_language() or "en")[:2])
    return {
        "conversation": conversation,
        "participant": participant,
        "statement": statement,
        "text": text,
        "language": language,
        "voted": participant.votes.count(),
        "remaining": conversation.statements.filter(status=StatementStatus.ACCEPTED)
        .exclude(votes__participant=participant)
        .count(),
        **extra,
    }


@public
def vote(request, code):
    """One statement at a time; each vote is saved at once (htmx swaps the card)."""
    conversation = get_object_or_404(Conversation, code=code)
    participant = participant_for(request, conversation)
    if participant is None:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise Http404
    error = None
    if request.method == "POST" and "value" in request.POST:
        statement = Statement.objects.filter(code=request.POST.get("statement")).first()
        try:
            value = int(request.POST.get("value", ""))
        except ValueError:
            value = None
        try:
            if statement is None or value is None:
                raise ValidationError(_("That vote could not be read; nothing was recorded."))
            services.cast_vote(
                participant=participant,
                statement=statement,
                value=value,
                language=request.POST.get("language", ""),
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        if request.htmx:
            return render(
                request,
                "deliberation/vote_card.html",
                _vote_context(request, conversation, participant, error=error),
            )
        if error:
            messages.error(request, error)
        return redirect("deliberation:vote", code=code)
    statement_form = StatementForm(
        request.POST if "submit" in request.POST else None,
        initial={"language": (get_language() or conversation.language)[:2]},
    )
    attributes_form = AttributesForm(
        request.POST if "declare" in request.POST else None,
        initial={
            "country": participant.country,
            "track": participant.track,
            "sector": participant.sector,
        },
    )
    if request.method == "POST" and "submit" in request.POST and statement_form.is_valid():
        try:
            services.add_statement(
                conversation=conversation,
                author=participant,
                by=None,
                **statement_form.cleaned_data,
            )
        except ValidationError as problem:
            statement_form.add_error("text", problem)
        else:
            messages.success(request, _("Thank you. Your statement will appear after moderation."))
            return redirect("deliberation:vote", code=code)
    if request.method == "POST" and "declare" in request.POST and attributes_form.is_valid():
        services.declare_attributes(participant=participant, **attributes_form.cleaned_data)
        messages.success(request, _("Saved. These answers are used only in totals."))
        return redirect("deliberation:vote", code=code)
    return render(
        request,
        "deliberation/vote.html",
        _vote_context(
            request,
            conversation,
            participant,
            statement_form=statement_form,
            attributes_form=attributes_form,
            error=error,
        ),
    )


@requires("deliberation.view_conversations")
def results(request, code):
    conversation = get_conversation_for(request.user, code)
    exact = request.user.has_perm("deliberation.view_exact_results")
    analysis = queries.latest_analysis(conversation)
    context = {
        "conversation": conversation,
        "analysis": analysis,
        "exact": exact,
        "small_cell": SMALL_CELL,
        "can_manage": request.user.has_perm("deliberation.manage"),
    }
    if analysis is not None and analysis.state == "done":
        context.update(queries.results_view(conversation, analysis.result, exact=exact))
    return render(request, "deliberation/results.html", context)


@require_POST
@requires("deliberation.manage")
def analyze_now(request, code):
    conversation = get_conversation_for(request.user, code, to="manage")
    analysis = services.run_analysis(conversation=conversation)
    if analysis.state == "done":
        messages.success(
            request, _("The map was redrawn from %(n)s votes.") % {"n": analysis.votes}
        )
    else:
        messages.warning(request, _("Not enough votes yet to find groups."))
    return redirect("deliberation:results", code=code)


@requires("deliberation.manage")
def export(request, code, fmt):
    conversation = get_conversation_for(request.user, code, to="manage")
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
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
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
        result = analysis.result
        reps = {}
        for group, rows in result.get("representative", {}).items():
            for row in rows:
                reps.setdefault(row["statement"], []).append(f"{group}:{row['direction']}")
        for statement in conversation.statements.filter(status=StatementStatus.ACCEPTED):
            key = str(statement.number)
            writer.writerow(
                [
                    statement.number,
                    statement.text,
                    result["group_consensus"].get(key, ""),
                    result["bridging"].get(key, ""),
                    statement.number in result["consensus"],
                    " ".join(reps.get(statement.number, [])),
                ]
            )
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="kenesh-{conversation.code}.{fmt}"'
    return response


@requires("deliberation.manage")
def polis_import(request):
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
            form.add_error(None, error)
        else:
            services.run_analysis(conversation=conversation)
            messages.success(request, _("The conversation was imported and analysed."))
            return redirect("deliberation:results", code=conversation.code)
    return render(request, "deliberation/polis_import.html", {"form": form})
