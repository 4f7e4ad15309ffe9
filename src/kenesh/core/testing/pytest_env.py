"""Loaded by pytest before Django (``-p`` in pyproject): gives the test run a secret key
and a data directory of its own, so that settings load as in production."""

import os
import tempfile

os.environ.setdefault("KENESH_SECRET_KEY", "test-only-secret-key-not-for-production-use")
os.environ.setdefault("KENESH_DATA_DIR", tempfile.mkdtemp(prefix="kenesh-test-"))
os.makedirs(os.path.join(os.environ["KENESH_DATA_DIR"], "static"), exist_ok=True)
