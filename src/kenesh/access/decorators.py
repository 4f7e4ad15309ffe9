"""How a view declares who may open it.

Every view the URLconf routes to carries a declaration: ``@requires("people.view_roster")``
or ``@public``. ``DenyByDefaultMiddleware`` refuses any view without one, and a test walks
every URL pattern to find them before a user does.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

View = Callable[..., Any]

PUBLIC = object()


def _mark(view: View, access: object) -> View:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view_class.kenesh_access = access

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    wrapper.kenesh_access = access  # type: ignore[attr-defined]  # a function attribute
    return wrapper


def requires(permission: str) -> Callable[[View], View]:
    """Let only users who hold ``permission`` (a rules permission) open the view.

    Anonymous users are sent to the login page; signed-in users without it get 403.
    Object-level checks stay in the view, through the app's access function.
    """

    def decorator(view: View) -> View:
        return _mark(view, permission)

    return decorator


def public(view: View) -> View:
    """Let anyone open the view (login, health check, language switch)."""
    return _mark(view, PUBLIC)


def declared_access(view: object) -> object:
    """What a resolved view callback declared, or None."""
    access = getattr(view, "kenesh_access", None)
    if access is None:
        view_class = getattr(view, "view_class", None)
        access = getattr(view_class, "kenesh_access", None)
    return access
