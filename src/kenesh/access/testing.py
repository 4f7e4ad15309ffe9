"""Test helper: a test client signed in past the second step, for tests about something
other than signing in."""

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kenesh.access import mfa
from kenesh.access.models import User


def complete_second_step(client: Client) -> None:
    """Mark ``client``'s signed-in session as past its second step, giving its user an
    authenticator if they have none (as staff must)."""
    session = client.session
    user = User.objects.get(pk=session[SESSION_KEY])
    device = mfa.authenticator_for(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop(mfa.PENDING_KEY, None)
    session.save()
