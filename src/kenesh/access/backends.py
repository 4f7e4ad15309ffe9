from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend


class LoginBackend(ModelBackend):
    """Checks usernames and passwords only.

    Permissions come from the rules predicates alone (access.predicates and each app's
    rules.py), so a permission granted in Django's tables never opens anything, and
    templates asking ``perms`` cost no permission-table queries.
    """

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


class ThrottleBackend(AxesStandaloneBackend):
    """Refuses a sign-in while its account and address are locked out (django-axes).

    It signs no one in itself. Called without a request (code in the process, such as
    the test client's ``login``), there is no address to throttle and it stands aside.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
