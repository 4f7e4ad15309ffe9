"""The running release is named where operators and readers look: /healthz, the page
footer, and a section of CHANGELOG.md for every version pyproject.toml gives."""

import re
import tomllib
from pathlib import Path

import pytest

import kenesh

ROOT = Path(__file__).resolve().parents[2]


def _project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_the_installed_version_is_the_project_s():
    """An installation reports the version pyproject.toml gives (reinstall after a bump)."""
    assert kenesh.__version__ == _project_version()


def test_the_changelog_has_a_section_for_this_version_first():
    sections = re.findall(
        r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})", (ROOT / "CHANGELOG.md").read_text(), re.M
    )
    assert sections, "CHANGELOG.md has no release sections"
    assert sections[0][0] == _project_version(), "the newest section is not this version"
    versions = [tuple(int(n) for n in v.split(".")) for v, _date in sections]
    assert versions == sorted(versions, reverse=True), "sections are not newest first"
    dates = [d for _v, d in sections]
    assert dates == sorted(dates, reverse=True), "release dates are not in order"


@pytest.mark.django_db
def test_healthz_reports_the_version(client):
    assert client.get("/healthz").json()["version"] == kenesh.__version__


@pytest.mark.django_db
def test_every_page_footer_names_the_version(client):
    page = client.get("/login/").content.decode()
    assert f"version {kenesh.__version__}" in page
