"""Field helpers shared by monitoring's models."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kenesh.core.text import require_visible_text

# Values: counts, percentages and means to four places (a mean growth of 0.8333).
DIGITS = {"max_digits": 16, "decimal_places": 4}


def code_field():
    return models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)


def text_field(label, max_length=200, **kwargs):
    return models.CharField(
        label, max_length=max_length, validators=[require_visible_text], **kwargs
    )


def long_text_field(label, max_length=5000, **kwargs):
    return models.TextField(
        label, max_length=max_length, validators=[require_visible_text], **kwargs
    )


def is_key_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(key, str) and key for key in value)
