"""Settings for the type checker (``[tool.django-stubs]`` in pyproject): django-stubs loads
Django's settings to learn the installed apps and models, and Kenesh's settings refuse to
load without a secret key. Nothing here runs in a deployment or in the tests."""

import os

os.environ.setdefault("KENESH_SECRET_KEY", "type-checking-only-secret-key-not-for-use")

from kenesh.settings import *  # noqa: F403
