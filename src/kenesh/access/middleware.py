import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from kenesh.access.decorators import PUBLIC, declared_access

logger = logging.getLogger(__name__)

# The admin site checks ``access.use_admin`` itself (see core.admin_config).
SELF_GUARDED_NAMESPACES = {"admin"}


class DenyByDefaultMiddleware:
    """Refuse every view that has not declared who may open it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is not None
            and match.namespaces
            and match.namespaces[0] in SELF_GUARDED_NAMESPACES
        ):
            return None
        access = declared_access(view_func)
        if access is PUBLIC:
            return None
        if access is None:
            logger.error("View %s declares no permission; refused.", match and match.view_name)
            raise PermissionDenied
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(access):
            raise PermissionDenied
        return None
