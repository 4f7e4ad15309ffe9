"""Pages where programme staff create and edit calls for young experts, open and close
them, and name their reviewers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kenesh.access.decorators import requires
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.core.typography import percent_of
from kenesh.mentoring import call_services
from kenesh.mentoring.call_forms import CallForm, CriterionFormSet
from kenesh.mentoring.models import DEFAULT_CRITERIA, Call, criterion_label
from kenesh.mentoring.rules import get_call_for


def _initial_rows(call: Call) -> list[dict]:
    # A new call offers the usual criteria as a start; they get their keys when saved.
    return [
        {
            "key": c.key if call.pk is not None else "",
            "label": c.label,
            "label_ru": c.label_ru,
            "weight": c.weight,
        }
        for c in call.rubric
    ]


def _call_page(request, call: Call):
    existing = call.pk is not None
    if not existing:
        call.criteria = [dict(c) for c in DEFAULT_CRITERIA]
    data = request.POST if request.method == "POST" else None
    form = CallForm(data, instance=call, user=request.user)
    formset = CriterionFormSet(data, initial=_initial_rows(call), prefix="criteria")
    decided = call_services.is_decided(call)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in call_services.FIELDS}
        try:
            saved = call_services.save_call(
                call=call if existing else None,
                by=request.user,
                criteria=formset.rows(),
                reviewers=list(form.cleaned_data["reviewers"]),
                **fields,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call “%(title)s” was saved.") % {"title": saved.call})
            if saved.scaled_from is not None:
                messages.info(
                    request,
                    _(
                        "The weights added up to %(total)s, not 100: they were scaled to "
                        "100 %% keeping their proportions (%(weights)s)."
                    )
                    % {
                        "total": f"{saved.scaled_from.normalize():f}",
                        "weights": ", ".join(
                            f"{criterion_label(c)} {percent_of(localize(c.weight))}"
                            for c in saved.call.rubric
                        ),
                    },
                )
            return redirect("mentoring:call", code=saved.call.code)
    return render(
        request,
        "mentoring/call_form.html",
        {
            "form": form,
            "formset": formset,
            "call": call if existing else None,
            "decided": decided,
            "scored": call_services.scored_keys(call),
        },
        status=refusal_status(form),
    )


@requires("mentoring.manage")
def call_create(request):
    return _call_page(request, Call())


@requires("mentoring.manage")
def call_edit(request, code):
    return _call_page(request, get_call_for(request.user, code, to="manage"))


def _act(request, code, service, done: str):
    call = get_call_for(request.user, code, to="manage")
    try:
        service(call=call, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("mentoring:call", code=call.code)


@require_POST
@requires("mentoring.manage")
def call_open(request, code):
    return _act(request, code, call_services.open_call, _("The call is open from today."))


@require_POST
@requires("mentoring.manage")
def call_close(request, code):
    return _act(
        request,
        code,
        call_services.close_call,
        _("The call closes today: the public form takes no applications after today."),
    )
