from uuid import UUID

import rules
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404

from kenesh.access.models import User
from kenesh.access.predicates import is_authenticated, is_staff
from kenesh.influence.models import Recommendation

rules.add_perm("influence.view_influence", is_authenticated)
rules.add_perm("influence.manage", is_staff)
for model in ("recommendation", "presentation", "outcome"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"influence.{action}_{model}", is_staff)


def get_recommendation_for(user: User | AnonymousUser, code: UUID | str) -> Recommendation:
    """A recommendation ``user`` may see (its paper's or its conversation's visibility);
    404 otherwise. Changing it is staff's, which the view's permission already asks."""
    return get_object_or_404(
        Recommendation.objects.visible_to(user).select_related("paper", "statement__conversation"),
        code=code,
    )
