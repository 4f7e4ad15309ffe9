"""The influence part of a digest: outcomes recorded on the reader's recommendations."""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kenesh.access.predicates import is_member, is_observer, is_staff
from kenesh.influence.models import Outcome
from kenesh.notifications.digests import Line, Part
from kenesh.papers.models import Status, Visibility

NEW_OUTCOMES = ngettext_lazy(
    "%(count)s outcome recorded on your recommendation “%(text)s” (paper “%(title)s”).",
    "%(count)s outcomes recorded on your recommendation “%(text)s” (paper “%(title)s”).",
    "count",
)


def _may_see(user, status, visibility) -> bool:
    """``Outcome.objects.visible_to`` for an outcome taking up a recommendation of a paper
    ``user`` authored: staff and members see their papers' recommendations; an observer
    only those of published public papers."""
    if is_staff(user) or is_member(user):
        return True
    if is_observer(user):
        return status == Status.PUBLISHED and visibility == Visibility.PUBLIC
    return False


def build(users, since, until) -> dict[int, list[Line]]:
    """For each of ``users``, outcomes recorded since their ``since`` on recommendations of
    papers they author, counted per recommendation: one query for the whole batch."""
    lines: dict[int, list[Line]] = {}
    by_pk = {u.pk: u for u in users}
    if not by_pk:
        return lines
    earliest = min(since[pk] for pk in by_pk)
    author = "recommendation__paper__authorships__person__user_id"
    links = (
        Outcome.recommendations.through.objects.filter(
            **{f"{author}__in": list(by_pk)},
            outcome__created_at__gt=earliest,
            outcome__created_at__lte=until,
        )
        .values_list(
            author,
            "recommendation_id",
            "recommendation__code",
            "recommendation__text",
            "recommendation__paper__title",
            "recommendation__paper__status",
            "recommendation__paper__visibility",
            "outcome__created_at",
        )
        .order_by("recommendation__paper_id", "recommendation__order", "recommendation_id")
    )
    counted: dict[tuple[int, int], list] = {}
    for user_id, rec_id, code, text, title, status, visibility, created_at in links:
        user = by_pk[user_id]
        if created_at <= since[user_id] or not _may_see(user, status, visibility):
            continue
        entry = counted.setdefault((user_id, rec_id), [code, text, title, 0])
        entry[3] += 1
    for (user_id, _rec_id), (code, text, title, count) in counted.items():
        lines.setdefault(user_id, []).append(
            Line(
                NEW_OUTCOMES,
                {"count": count, "text": Truncator(text).chars(80), "title": title},
                reverse("influence:recommendation", kwargs={"code": code}),
            )
        )
    return lines


PART = Part(
    name="influence.outcomes",
    title=_("Outcomes of your recommendations"),
    build=build,
    order=30,
)
