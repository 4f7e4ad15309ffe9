"""Two-step sign-in: an authenticator app (TOTP, django-otp) and one-time recovery codes.

After the password, a user with an authenticator is asked for a code before the session
counts as signed in (``user.is_verified()``). Staff and administrators must have one
(``KENESH_MFA_REQUIRED``): until they have set it up, every page sends them to do so.
Codes are never logged or written to the audit trail.
"""

import secrets
import time
from binascii import unhexlify
from urllib.parse import quote, urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kenesh.access.predicates import is_staff
from kenesh.core.audit import log_action

# What a signed-in but not yet verified session still has to do: "verify" or "enrol".
PENDING_KEY = "kenesh_second_step"
# The secret offered while a user sets up an authenticator, until they confirm it.
OFFERED_KEY = "kenesh_totp_offered"
VERIFY, ENROL = "verify", "enrol"
RECOVERY_CODES = 10
TOTP_STEP, TOTP_DIGITS, TOTP_TOLERANCE = 30, 6, 1


def is_required(user) -> bool:
    """Whether ``user`` must sign in with a second step (staff and administrators)."""
    return bool(settings.KENESH_MFA_REQUIRED) and is_staff(user)


def authenticator_for(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_step(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_step(user) -> str | None:
    """What ``user`` still has to do after the password: VERIFY, ENROL or nothing."""
    if has_two_step(user):
        return VERIFY
    if is_required(user):
        return ENROL
    return None


@receiver(user_logged_in)
def _note_second_step(sender, request, user, **kwargs):
    """Every sign-in by password marks the session as waiting for its second step."""
    if request is None or not hasattr(request, "session"):
        return
    step = pending_step(user)
    if step is None:
        request.session.pop(PENDING_KEY, None)
    else:
        request.session[PENDING_KEY] = step


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


# --- setting up an authenticator -------------------------------------------------------


def offered_secret(request) -> str:
    """The hex secret offered to the signed-in user for a new authenticator; kept in
    the session (no device exists until the user confirms it with a first code)."""
    key = request.session.get(OFFERED_KEY)
    if not key:
        key = secrets.token_hex(20)
        request.session[OFFERED_KEY] = key
    return key


def secret_as_text(hex_key: str) -> str:
    """The secret as people type it into an authenticator app: base32 in groups of 4."""
    from base64 import b32encode

    text = b32encode(unhexlify(hex_key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user, hex_key: str) -> str:
    from base64 import b32encode

    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{user.get_username()}")
    params = urlencode(
        {
            "secret": b32encode(unhexlify(hex_key)).decode().rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": TOTP_DIGITS,
            "period": TOTP_STEP,
        }
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG, drawn on the server."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )


def _matching_step(hex_key: str, code: str) -> int | None:
    """The time step at which ``code`` is right for ``hex_key``, or None."""
    if not (code.isdigit() and len(code) == TOTP_DIGITS):
        return None
    totp = TOTP(unhexlify(hex_key), step=TOTP_STEP, digits=TOTP_DIGITS)
    totp.time = time.time()
    if totp.verify(int(code), tolerance=TOTP_TOLERANCE):
        return totp.t()
    return None


def _new_recovery_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def enrol_authenticator(*, user, hex_key: str, code: str, request=None) -> list[str]:
    """Turn on two-step sign-in for ``user`` with the authenticator holding ``hex_key``,
    once ``code`` shows it works; returns the new recovery codes (shown only now)."""
    if has_two_step(user):
        raise ValidationError(_("Two-step sign-in is already on."), code="already")
    step = _matching_step(hex_key, _clean(code))
    if step is None:
        raise ValidationError(
            _("That code is not right. Check the time on your phone and enter the newest code."),
            code="wrong_code",
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user,
        name="Authenticator app",
        key=hex_key,
        step=TOTP_STEP,
        digits=TOTP_DIGITS,
        tolerance=TOTP_TOLERANCE,
        last_t=step,
        confirmed=True,
    )
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = _new_recovery_codes(recovery)
    log_action(user, "access.two_step.enabled", by=user)
    if request is not None:
        request.session.pop(OFFERED_KEY, None)
        _mark_verified(request, device)
    return codes


# --- checking a code -------------------------------------------------------------------


def _verify_now(device, code: str) -> tuple[bool, str | None]:
    """(right, refusal): ``device``'s own throttling first, then the code."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return False, _("Too many wrong codes in a row. Wait a minute and try again.")
    return bool(device.verify_token(code)), None


def check_code(user, code: str):
    """The device ``code`` is right for (authenticator or an unused recovery code), or
    raise ValidationError saying why not. A recovery code is used up by this."""
    code = _clean(code)
    refusal = None
    if code.isdigit() and len(code) == TOTP_DIGITS:
        device = authenticator_for(user)
        if device is not None:
            right, refusal = _verify_now(device, code)
            if right:
                return device
    elif code:
        for device in StaticDevice.objects.filter(user=user, confirmed=True):
            right, refusal = _verify_now(device, code)
            if right:
                return device
    raise ValidationError(
        refusal
        or _(
            "That code is not right, or it has been used already. Enter the newest code "
            "from your authenticator app, or a recovery code you have not used."
        ),
        code="wrong_code",
    )


def _mark_verified(request, device) -> None:
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)


def verify_second_step(*, request, code: str):
    """Finish signing in ``request.user`` with ``code``; a wrong code counts as a failed
    sign-in for the account and address (django-axes) and raises ValidationError."""
    user = request.user
    try:
        device = check_code(user, code)
    except ValidationError:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
        raise
    _mark_verified(request, device)
    return device


def is_locked_out(request, user) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


# --- changing it -----------------------------------------------------------------------


@transaction.atomic
def renew_recovery_codes(*, user, code: str) -> list[str]:
    """New recovery codes for ``user`` (the old ones stop working), after a current code
    from the authenticator."""
    device = check_code(user, code)
    if not isinstance(device, TOTPDevice):
        raise ValidationError(
            _("Enter a code from your authenticator app, not a recovery code."),
            code="wrong_code",
        )
    recovery, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    codes = _new_recovery_codes(recovery)
    log_action(user, "access.two_step.recovery_codes_renewed", by=user)
    return codes


@transaction.atomic
def disable_two_step(*, user, code: str, request=None) -> None:
    """Turn off two-step sign-in for ``user``, after a current code or a recovery code.
    Staff who must have it are asked to set it up again."""
    check_code(user, code)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log_action(user, "access.two_step.disabled", by=user)
    if request is not None:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        if is_required(user):
            request.session[PENDING_KEY] = ENROL
