from django.contrib.auth import views as auth_views

from kenesh.access.decorators import public, requires
from kenesh.access.forms import LoginForm

login = public(
    auth_views.LoginView.as_view(
        template_name="access/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = public(auth_views.LogoutView.as_view())
password_change = requires("access.change_own_password")(
    auth_views.PasswordChangeView.as_view(
        template_name="access/password_change.html",
        success_url="/",
    )
)
