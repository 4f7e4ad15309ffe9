"""Loaded by pytest before Django (``-p`` in pyproject): gives the test run a secret key
and a data directory of its own, so that settings load as in production."""

import os
import tempfile

os.environ.setdefault("KENESH_SECRET_KEY", "test-only-secret-key-not-for-production-use")
os.environ.setdefault("KENESH_DATA_DIR", tempfile.mkdtemp(prefix="kenesh-test-"))
# Background tasks run at once in tests, in the test's own transaction.
os.environ.setdefault("KENESH_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# Opinion maps in tests skip the stability bootstrap; the tests about stability ask for it.
os.environ.setdefault("KENESH_OPINION_BOOTSTRAP", "0")
# Two-step sign-in is required of staff in production; tests of other things sign staff in
# with a password alone, and the two-step tests turn it back on.
os.environ.setdefault("KENESH_MFA_REQUIRED", "0")
os.makedirs(os.path.join(os.environ["KENESH_DATA_DIR"], "static"), exist_ok=True)
