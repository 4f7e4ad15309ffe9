from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kenesh.access.decorators import public, requires
from kenesh.core.forms import add_service_errors
from kenesh.notifications import links, queries, services
from kenesh.notifications.forms import DeliveryForm
from kenesh.notifications.models import CHOOSABLE, Kind, Message
from kenesh.notifications.rules import get_message_for


@require_GET
@requires("notifications.view_own")
def notice_list(request):
    page = Paginator(queries.notices_of(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notice_list.html",
        {"page": page, "notices": page.object_list, "unread": queries.unread_count(request.user)},
    )


@require_GET
@requires("notifications.view_own")
def unread_badge(request):
    """The header's unread count, refreshed by htmx."""
    return render(
        request,
        "notifications/_badge.html",
        {"unread_notices": queries.unread_count(request.user)},
    )


@require_POST
@requires("notifications.view_own")
def notice_read(request):
    """Mark one notice (``notice``: its id among the user's own) or all as read."""
    notices = None
    if request.POST.get("notice"):
        try:
            notice_id = int(request.POST["notice"])
        except ValueError:
            return HttpResponse(_("Unknown notification."), status=400)
        notices = list(queries.notices_of(request.user).filter(pk=notice_id))
        if not notices:
            return HttpResponse(_("Unknown notification."), status=404)
    count = services.mark_read(user=request.user, notices=notices)
    if request.htmx:
        # The button becomes a status line (read out), and the header's count follows.
        return render(
            request,
            "notifications/_marked.html",
            {"unread_notices": queries.unread_count(request.user)},
        )
    if notices is None:
        messages.success(request, _("All notifications are marked as read."))
    elif count:
        messages.success(request, _("Marked as read."))
    return redirect("notifications:list")


def _initial(user) -> dict:
    delivery = queries.delivery_of(user)
    initial = {"language": delivery.language, "time_zone": delivery.time_zone}
    initial.update({f"kind_{kind}": delivery.frequency_of(kind) for kind in CHOOSABLE})
    return initial


@requires("notifications.view_own")
def delivery_settings(request):
    form = DeliveryForm(request.POST or None, user=request.user, initial=_initial(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_delivery(
                user=request.user,
                language=form.cleaned_data["language"],
                time_zone=form.cleaned_data["time_zone"],
                frequencies=form.frequencies(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)


def _checked(request):  # the view the CSRF check is run for: any view not exempt
    raise NotImplementedError


_csrf = CsrfViewMiddleware(_checked)


@csrf_exempt
@public
def unsubscribe(request, token):
    """The link at the foot of a mail. GET asks; POST (the button, or a mail program's
    one-click request, RFC 8058, which carries no CSRF token: the signed link and the
    body ``List-Unsubscribe=One-Click`` are the proof) stops that kind of mail. Any other
    POST must carry the CSRF token, as everywhere."""
    try:
        link = links.read(token, action="unsubscribe")
    except links.LinkRefused as refused:
        return render(request, "notifications/link_refused.html", {"reason": refused.message},
                      status=400)  # fmt: skip
    kind_label = Kind(link.choice).label if link.choice in Kind.values else ""
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        refused = None if one_click else _csrf.process_view(request, _checked, (), {})
        if refused is not None:
            return refused
        try:
            services.unsubscribe(link=link)
        except links.LinkRefused as refused:
            return render(request, "notifications/link_refused.html",
                          {"reason": refused.message}, status=400)  # fmt: skip
        return render(request, "notifications/unsubscribed.html", {"kind": kind_label})
    return render(request, "notifications/unsubscribe.html", {"kind": kind_label, "token": token})


# The outbox, for staff -------------------------------------------------------------------


@require_GET
@requires("notifications.view_outbox")
def outbox(request):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    status = status if status in Message.Status.values else ""
    kind = kind if kind in Kind.values else ""
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(queries.outbox(status=status, kind=kind, search=search), 50).get_page(
        request.GET.get("page")
    )
    counts = queries.outbox_counts()
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "messages_page": page.object_list,
            "status": status,
            "kind": kind,
            "q": search,
            "statuses": [(v, label, counts.get(v, 0)) for v, label in Message.Status.choices],
            "kinds": Kind.choices,
        },
    )


@require_GET
@requires("notifications.view_outbox")
def message_detail(request, code):
    message = get_message_for(request.user, code)
    return render(request, "notifications/message_detail.html", _message_context(message))


def _message_context(message) -> dict:
    languages = dict(settings.LANGUAGES)
    return {
        "message": message,
        "language": languages.get(message.language, message.language),
        "text": links.redact(message.text),
    }


@require_POST
@requires("notifications.retry_message")
def message_retry(request, code):
    message = get_message_for(request.user, code)
    try:
        with transaction.atomic():
            services.retry_message(message=message, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(request, "notifications/message_detail.html",
                      _message_context(message), status=409)  # fmt: skip
    messages.success(request, _("The message is queued to be sent again."))
    return redirect("notifications:message", code=message.code)
