import rules

from kenesh.access.predicates import is_authenticated, is_staff

rules.add_perm("influence.view_influence", is_authenticated)
rules.add_perm("influence.manage", is_staff)
for model in ("recommendation", "presentation", "outcome"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"influence.{action}_{model}", is_staff)
