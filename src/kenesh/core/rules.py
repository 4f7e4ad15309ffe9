import rules

from kenesh.access.predicates import is_authenticated

rules.add_perm("core.view_home", is_authenticated)
