"""The lock files and the pre-commit hooks agree with pyproject.toml, without the network.

CI also re-resolves the lock with uv (`requirements/lock --check`); these tests catch the
common slips first, in every developer's run: a dependency added to pyproject.toml but not
locked, a range that the pinned version no longer fits, deploy.txt and test.txt drifting
apart, and a hook whose tool is not the version the lock installs."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$"
)


def pins(name: str) -> dict[str, list[tuple[str, str]]]:
    """Each locked project's versions, with the environment marker each applies under."""
    found: dict[str, list[tuple[str, str]]] = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            project, version, marker = match.groups()
            found.setdefault(canonicalize_name(project), []).append((version, marker or ""))
    return found


def direct(*extras: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return [Requirement(text) for text in wanted]


def lock_is_hashed(name: str) -> None:
    text = (ROOT / "requirements" / name).read_text()
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2]):
        assert "--hash=sha256:" in block, f"{name}: {block.splitlines()[0]} has no hash"


@pytest.mark.parametrize(
    ("lock", "extras"), [("test.txt", ("test", "postgres")), ("deploy.txt", ("postgres",))]
)
def test_every_direct_dependency_is_locked_at_a_version_its_range_allows(lock, extras):
    locked = pins(lock)
    lock_is_hashed(lock)
    for requirement in direct(*extras):
        versions = locked.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in requirements/{lock}: run requirements/lock"
        for version, _marker in versions:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements/{lock} pins {requirement.name}=={version}, outside "
                f"{requirement.specifier}: run requirements/lock"
            )


def test_deployments_run_the_versions_ci_tested():
    tested = pins("test.txt")
    for project, versions in pins("deploy.txt").items():
        assert versions == tested.get(project), f"{project}: deploy.txt and test.txt differ"


def test_the_hooks_run_the_tools_the_lock_installs():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    tested = pins("test.txt")
    checked = set()
    for repo in config["repos"]:
        assert repo["repo"] == "local", "hooks install from PyPI, not from a Git host"
        for hook in repo["hooks"]:
            for dependency in hook.get("additional_dependencies", []):
                name, _, version = dependency.partition("==")
                assert version, f"{hook['id']}: {dependency} is not pinned"
                if canonicalize_name(name) in tested:
                    assert [(version, "")] == tested[canonicalize_name(name)], (
                        f"{hook['id']} runs {dependency}; requirements/test.txt has "
                        f"{tested[canonicalize_name(name)]}"
                    )
                    checked.add(canonicalize_name(name))
    assert {"ruff", "djhtml"} <= checked
