from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "kenesh.access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from kenesh.access import personal_data as access_data
        from kenesh.core import personal_data

        personal_data.register(
            "access", title=_("Login"), export=access_data.export, erase=access_data.erase, order=20
        )
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from kenesh.access import (
            mfa,  # noqa: F401  (connects the sign-in signal)
            sessions,
        )

        # Every sign-in and sign-out keeps the session rows in step.
        user_logged_in.connect(sessions.track_login, dispatch_uid="kenesh.access.track_login")
        user_logged_out.connect(sessions.track_logout, dispatch_uid="kenesh.access.track_logout")

        from kenesh.access import retention

        retention.register_rules()
