"""The optimiser's reasons and conflicts in the reader's language."""

from django.utils.translation import gettext as _

from kenesh.mentoring.selection import FOR_BALANCE, NOT_TOP, ON_SCORE, PASSED_OVER, Quota, Reason
from kenesh.people.models import Country, Gender, Sector

ATTRIBUTES = {"country": Country, "gender": Gender, "sector": Sector}


def quota(q: Quota) -> str:
    names = {"country": _("Country"), "gender": _("Gender"), "sector": _("Sector")}
    choices = ATTRIBUTES.get(q.attribute)
    value = dict(choices.choices).get(q.value, q.value) if choices else q.value
    bounds = []
    if q.minimum:
        bounds.append(_("at least %(n)s") % {"n": q.minimum})
    if q.maximum is not None:
        bounds.append(_("at most %(n)s") % {"n": q.maximum})
    return f"{names.get(q.attribute, q.attribute)} “{value}”: {', '.join(bounds)}"


def reason(r: Reason) -> str:
    text = {
        ON_SCORE: _("chosen on score"),
        FOR_BALANCE: _("chosen for balance"),
        PASSED_OVER: _("passed over for balance"),
        NOT_TOP: _("not among the highest scores"),
    }[r.kind]
    return f"{text} ({'; '.join(quota(q) for q in r.quotas)})" if r.quotas else text
