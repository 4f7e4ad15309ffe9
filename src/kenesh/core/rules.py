import rules

from kenesh.access.predicates import is_authenticated, is_staff

rules.add_perm("core.view_home", is_authenticated)
# The audit trail names who did what to every record: staff and administrators only.
rules.add_perm("core.view_audit", is_staff)
