"""The PostgreSQL path: migrations and the demo load on the production database.

The whole suite runs on PostgreSQL too when KENESH_DATABASE_URL points there (CI does
both); this test checks the path even in a plain SQLite run, when a server is present.
"""

import os
import subprocess
import sys
import uuid

import pytest

from tests.conftest import skip_or_fail

SERVER = os.environ.get("KENESH_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


@pytest.fixture
def scratch_database():
    try:
        import psycopg
    except ImportError:
        skip_or_fail("postgres", "psycopg is not installed")
    try:
        admin = psycopg.connect(SERVER.replace("postgres://", "postgresql://"), autocommit=True)
    except psycopg.OperationalError as error:
        skip_or_fail("postgres", f"no PostgreSQL server at {SERVER}: {error}")
    name = f"kenesh_check_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield SERVER.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
def test_demo_loads_on_postgresql(scratch_database, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KENESH_", "DJANGO_"))}
    env["KENESH_DATABASE_URL"] = scratch_database
    result = subprocess.run(
        [sys.executable, "-m", "kenesh.cli", "demo", "--no-serve", "--data-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Loaded 55 fictional people" in result.stdout
    assert not (tmp_path / "kenesh.sqlite3").exists()
