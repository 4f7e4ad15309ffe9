from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kenesh.access.decorators import public, requires
from kenesh.convenings import ical, invitations, poll_queries, queries, services
from kenesh.convenings.forms import (
    AttendanceForm,
    ConveningForm,
    DocumentForm,
    InviteForm,
    SessionForm,
    SessionRoleForm,
)
from kenesh.convenings.models import (
    Convening,
    Kind,
    Role,
    Session,
)
from kenesh.convenings.rules import (
    get_calendar_feed,
    get_convening_for,
    get_document_for,
    get_own_participation,
    get_session_for,
    own_calendar_feed,
    viewer_participation,
)
from kenesh.core import sections
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.notifications import links
from kenesh.notifications import services as notify
from kenesh.people.filters import RosterFilter
from kenesh.people.models import Person
from kenesh.people.queries import DIMENSIONS, SMALL_CELL
from kenesh.people.rules import get_person_for


def _breakdown(request) -> str:
    by = request.GET.get("by", "gender")
    return by if by in DIMENSIONS else "gender"


@requires("convenings.view_convenings")
def convening_list(request):
    kind = request.GET.get("kind") or None
    if kind not in Kind.values:
        kind = None
    paginator = Paginator(queries.convening_list(request.user, kind=kind), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "convenings/convening_list.html",
        {
            "page": page,
            "convenings": queries.with_shown_counts(page.object_list, request.user),
            "kinds": Kind.choices,
            "kind": kind,
        },
    )


@requires("convenings.view_convenings")
def convening_detail(request, code):
    convening = get_convening_for(request.user, code)
    user = request.user
    details = user.has_perm("convenings.see_details", convening)
    context = {
        "convening": convening,
        "took_part": queries.took_part_in(convening, user),
        "details": details,
        "names": user.has_perm("convenings.see_names", convening),
        "attribution": user.has_perm("convenings.see_attribution", convening),
        "can_manage": user.has_perm("convenings.manage"),
        "can_lead": user.has_perm("convenings.lead", convening),
        # A sent date poll is answered by those holding a place (the poll page says the
        # rest); "date_poll" is read once, here.
        "poll_to_answer": viewer_participation(user, convening) is not None
        and poll_queries.has_sent_poll(convening),
        "composition": queries.composition(
            [convening],
            by=_breakdown(request),
            exact=user.has_perm("convenings.view_exact_counts"),
        ),
        "by": _breakdown(request),
        "small_cell": SMALL_CELL,
    }
    if details:
        context["sessions"] = queries.agenda(convening)
        if convening.kind == Kind.BRIEFING:
            # What was presented here comes from influence, which registers the section
            # and shows each viewer only the recommendations they may see.
            context["sections"] = sections.render(
                "convenings.briefing", request=request, obj=convening
            )
        context["documents"] = convening.documents.all()
        context["has_scenario"] = hasattr(convening, "scenario")
    if context["names"]:
        context["participants"] = queries.participants(
            convening, with_declined=context["can_manage"]
        )
    return render(request, "convenings/convening_detail.html", context)


@requires("convenings.manage")
def convening_create(request):
    form = ConveningForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            convening = services.create_convening(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The convening was added."))
            return redirect("convenings:convening-detail", code=convening.code)
    return render(
        request,
        "convenings/convening_form.html",
        {"form": form, "convening": None},
        status=refusal_status(form),
    )


@requires("convenings.manage")
def convening_edit(request, code):
    convening = get_convening_for(request.user, code, to="manage")
    form = ConveningForm(request.POST or None, instance=convening, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_convening(convening=convening, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            # The service's transaction changed nothing; show the refusal on the form.
            convening.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes were saved."))
            return redirect("convenings:convening-detail", code=convening.code)
    return render(
        request,
        "convenings/convening_form.html",
        {"form": form, "convening": convening},
        status=refusal_status(form),
    )


@requires("convenings.manage")
def session_edit(request, code, session_code=None):
    convening = get_convening_for(request.user, code, to="manage")
    session = (
        get_session_for(request.user, convening, session_code)
        if session_code
        else Session(convening=convening)
    )
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_session(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agenda was saved."))
            return redirect("convenings:convening-detail", code=convening.code)
    return render(
        request,
        "convenings/session_form.html",
        {"form": form, "convening": convening, "session": session},
        status=refusal_status(form),
    )


@requires("convenings.manage")
def convening_invite(request, code):
    convening = get_convening_for(request.user, code, to="manage")
    roster = RosterFilter(request.GET or None, queryset=Person.objects.visible_to(request.user))
    candidates = roster.filtered().exclude(participations__convening=convening)
    # A POST may invite anyone the user may see: the filter shown then may differ.
    form = InviteForm(
        request.POST or None,
        user=request.user,
        candidates=None if request.method == "POST" else candidates,
    )
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.invite_people(
                convening=convening,
                people=form.cleaned_data["people"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person was invited; the invitation is sent by e-mail.",
                    "%(count)s people were invited; each invitation is sent by e-mail.",
                    len(invited),
                )
                % {"count": len(invited)},
            )
            unreachable = [p.person.name for p in invited if not notify.address_of(p.person)]
            if unreachable:
                messages.warning(
                    request,
                    _("No e-mail address is known for %(names)s: they will see the "
                      "invitation only when they sign in, or tell them another way.")
                    % {"names": ", ".join(unreachable)},
                )  # fmt: skip
            return redirect("convenings:participants", code=convening.code)
    return render(
        request,
        "convenings/convening_invite.html",
        {"convening": convening, "filter": roster, "form": form},
        status=refusal_status(form),
    )


@requires("convenings.manage")
def participants_manage(request, code):
    """Staff record attendance and roles, and give session roles. Every id or code a
    submission names must belong to this convening; otherwise nothing changes and the
    page answers 400 saying why."""
    convening = get_convening_for(request.user, code, to="manage")
    participations = list(queries.participants(convening, with_declined=True))
    posting_role = request.method == "POST" and "session" in request.POST
    role_form = SessionRoleForm(
        request.POST if posting_role else None, user=request.user, convening=convening
    )
    attendance = AttendanceForm(
        request.POST if request.method == "POST" and not posting_role else None,
        participations=participations,
    )
    status = 200
    if posting_role:
        if role_form.is_valid():
            try:
                services.assign_session_role(
                    session=role_form.cleaned_data["session"],
                    participation=role_form.cleaned_data["participation"],
                    role=role_form.cleaned_data["role"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(role_form, error)
            else:
                messages.success(request, _("The session role was recorded."))
                return redirect("convenings:participants", code=convening.code)
        status = refusal_status(role_form)
    elif request.method == "POST":
        if attendance.is_valid():
            try:
                services.record_attendance(
                    convening=convening,
                    attended=attendance.cleaned_data["attended"],
                    roles=attendance.cleaned_data["roles"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(attendance, error)
            else:
                messages.success(request, _("Attendance and roles were saved."))
                return redirect("convenings:participants", code=convening.code)
        status = refusal_status(attendance)
    return render(
        request,
        "convenings/participants_manage.html",
        {
            "convening": convening,
            "participations": participations,
            "roles": Role.choices,
            "has_sessions": bool(role_form.fields["session"].queryset),
            "role_form": role_form,
            "attendance": attendance,
        },
        status=status,
    )


@requires("convenings.manage")
def document_upload(request, code):
    convening = get_convening_for(request.user, code, to="manage")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_document(
                convening=convening,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                content_type=form.content_type,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The document was attached."))
            return redirect("convenings:convening-detail", code=convening.code)
    return render(
        request,
        "convenings/document_form.html",
        {"form": form, "convening": convening},
        status=refusal_status(form),
    )


@requires("convenings.view_convenings")
def document_download(request, code):
    document = get_document_for(request.user, code)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@requires("convenings.view_convenings")
def convening_ics(request, code):
    convening = get_convening_for(request.user, code)
    response = HttpResponse(
        ical.calendar_for([convening], name=convening.title), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="kenesh-{convening.code}.ics"'
    return response


@requires("convenings.view_own_convenings")
def my_convenings(request):
    feed = own_calendar_feed(request.user)
    return render(
        request,
        "convenings/my_convenings.html",
        {"participations": queries.my_participations(request.user), "feed": feed},
    )


@require_POST
@requires("convenings.view_own_convenings")
def invitation_answer(request, code):
    participation = get_own_participation(request.user, code)
    answer = request.POST.get("answer")
    if answer not in {"accept", "decline"}:
        messages.error(request, _("Choose to accept or decline."))
        return redirect("convenings:my-convenings")
    try:
        services.answer_invitation(
            participation=participation, accept=answer == "accept", by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your answer was recorded."))
    return redirect("convenings:my-convenings")


@public
def invitation_link(request, token):
    """A link from an invitation mail: answer without signing in. GET shows what the
    link will do and a button; POST does it (a mail scanner that follows links must not
    answer for the invitee). A link used before says what was answered."""
    try:
        link = links.read(token, action=invitations.ANSWER_ACTION)
        participation = invitations.participation_of(link)
    except links.LinkRefused as refused:
        return render(
            request, "notifications/link_refused.html", {"reason": refused.message}, status=400
        )
    context = {"participation": participation, "convening": participation.convening,
               "choice": link.choice, "used": links.is_spent(link)}  # fmt: skip
    if request.method == "POST" and not context["used"]:
        try:
            services.answer_by_link(link=link)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "convenings/invitation_link.html", context, status=409)
        except links.LinkRefused as refused:
            return render(request, "notifications/link_refused.html",
                          {"reason": refused.message}, status=400)  # fmt: skip
        participation.refresh_from_db()
        context.update(participation=participation, answered=True, used=True)
    return render(request, "convenings/invitation_link.html", context)


@require_POST
@requires("convenings.view_own_convenings")
def calendar_feed_open(request):
    services.open_calendar_feed(user=request.user)
    messages.success(
        request, _("Your calendar address is ready. Any earlier address no longer works.")
    )
    return redirect("convenings:my-convenings")


@require_POST
@requires("convenings.view_own_convenings")
def calendar_feed_revoke(request):
    services.revoke_calendar_feed(user=request.user)
    messages.success(request, _("Your calendar address was revoked."))
    return redirect("convenings:my-convenings")


@public
def calendar_feed(request, token):
    """A personal feed: the secret address is the credential, so no login is asked."""
    feed = get_calendar_feed(token)
    convenings = Convening.objects.with_place_for(feed.user).order_by("starts_on")
    body = ical.calendar_for(convenings, name=_("Kenesh: my convenings"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@requires("convenings.view_overview")
def overview(request):
    by = _breakdown(request)
    numbers = queries.overview(viewer=request.user, by=by)
    return render(
        request,
        "convenings/overview.html",
        {
            "overview": numbers,
            "kinds": Kind.choices,
            "composition": numbers.composition,
            "by": by,
            "small_cell": SMALL_CELL,
        },
    )


@requires("convenings.view_paths")
def paths(request):
    return render(
        request,
        "convenings/paths.html",
        {"paths": queries.emergent_paths(viewer=request.user)},
    )


@requires("convenings.view_convenings")
def person_path(request, person_code):
    if not request.user.has_perm("people.view_roster"):
        raise PermissionDenied
    person = get_person_for(request.user, person_code)
    path = queries.paths([person], viewer=request.user)[0]
    return render(request, "convenings/person_path.html", {"path": path, "person": person})
