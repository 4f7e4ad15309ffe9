"""The import-linter contracts cover the whole package: every app sits in the layers,
keeps its views, forms and URLs to itself, and every module that needs no Django is
named as pure, so that it stays so. CI runs `lint-imports` on these contracts."""

import ast
import tomllib
from pathlib import Path

import kenesh

PACKAGE = Path(kenesh.__file__).parent
PYPROJECT = PACKAGE.parent.parent / "pyproject.toml"
# Modules without Django that are not computation: data for Django's formats, test
# helpers, and empty package markers.
NOT_PURE_BY_INTENT = ("kenesh.formats", "kenesh.core.testing")
FRAMEWORK = {"django", "django_tasks", "django_tasks_db", "django_filters", "django_htmx"}
FRAMEWORK |= {"rules", "whitenoise", "waitress", "dj_database_url", "icalendar", "weasyprint"}


def contracts():
    return tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]


def apps():
    return sorted(path.parent.name for path in PACKAGE.glob("*/apps.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add("kenesh" if node.level else node.module or "")
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield module_name(path), path


def covered(name: str, listed) -> bool:
    return any(name == entry or name.startswith(entry + ".") for entry in listed)


def test_every_app_is_a_layer_between_apps_and_a_container_within():
    between = next(c for c in contracts() if c["type"] == "layers" and "containers" not in c)
    named = {
        app.strip() for layer in between["layers"] for app in layer.replace(":", "|").split("|")
    }
    within = next(c for c in contracts() if c["type"] == "layers" and "containers" in c)
    for app in apps():
        assert f"kenesh.{app}" in named, f"kenesh.{app} has no place in the layers between apps"
        assert f"kenesh.{app}" in within["containers"], f"kenesh.{app} has no inner layers"


def test_every_app_keeps_its_views_forms_and_urls_to_itself():
    forbidden = [c for c in contracts() if c["type"] == "forbidden"]
    for app in apps():
        private = [
            f"kenesh.{app}.{name}"
            for name in ("views", "simulation_views", "forms", "urls")
            if (PACKAGE / app / f"{name}.py").exists() and f"{app}.{name}" != "core.forms"
        ]
        for module in private:
            assert any(
                module in c["forbidden_modules"] and len(c["source_modules"]) == len(apps()) - 1
                for c in forbidden
            ), f"no contract keeps {module} from the other apps"


def test_every_module_without_django_is_named_pure():
    pure = next(c for c in contracts() if c["name"].startswith("pure modules"))
    missing = []
    for name, path in modules():
        if covered(name, NOT_PURE_BY_INTENT) or not path.read_text().strip():
            continue
        if name == "kenesh":  # the package itself: its version, and the parent of every module
            continue
        roots = {imported.split(".")[0] for imported in imports_of(path)}
        if roots & (FRAMEWORK | {"kenesh"}):
            continue
        if not covered(name, pure["source_modules"]):
            missing.append(name)
    assert not missing, f"pure modules not named in the contract: {missing}"


def test_every_module_a_contract_names_exists():
    names = {name for name, _path in modules()}
    for contract in contracts():
        for key in ("source_modules", "forbidden_modules", "containers"):
            for module in contract.get(key, []):
                if module == "django":
                    continue
                assert module in names, f"{contract['name']!r} names missing {module}"


VIEW_MODULES = (
    "views.py",
    "simulation_views.py",
    "poll_views.py",
    "vocabulary_views.py",
    "account_views.py",
    "merge_views.py",
    "call_views.py",
    "mentorship_views.py",
    "scenario_views.py",
    "recommendation_views.py",
    "author_views.py",
    "vote_views.py",
    "session_views.py",
    "edit_views.py",
    "file_views.py",
)


def _single_fetches(tree: ast.AST):
    """Places where a view fetches one record itself: ``get_object_or_404``, or a chain
    from ``Model.objects`` ending in ``get``, ``first`` or ``last``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"get_object_or_404", "get_list_or_404"}:
            yield node.lineno, func.id
        elif isinstance(func, ast.Attribute) and func.attr in {"get", "first", "last"}:
            chain = func.value
            while isinstance(chain, ast.Call | ast.Attribute):
                chain = chain.func if isinstance(chain, ast.Call) else chain.value
                if isinstance(chain, ast.Attribute) and chain.attr == "objects":
                    yield node.lineno, f"objects...{func.attr}()"
                    break


def test_every_object_a_view_shows_is_fetched_through_an_access_function():
    """Views ask their app's access function (``get_<thing>_for(user, ...)`` in
    rules.py), which knows who may see the record; a view that fetches a record itself
    could skip that check."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name not in VIEW_MODULES:
            continue
        for line, what in _single_fetches(ast.parse(path.read_text())):
            found.append(f"{path.relative_to(PACKAGE)}:{line} {what}")
    assert not found, "views fetching records themselves:\n" + "\n".join(found)


def test_every_pure_module_is_type_checked_strictly():
    """mypy's strict override and its `files` list name the pure contract's modules, no
    more and no fewer, so a module named pure is checked strictly from the day it is."""
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["mypy"]
    pure = next(c for c in contracts() if c["name"].startswith("pure modules"))
    strict = next(
        o
        for o in config["overrides"]
        if o.get("disallow_any_generics") and o.get("warn_return_any")
    )
    named = {module.removesuffix(".*") for module in strict["module"]}
    assert named == set(pure["source_modules"])
    checked = {module_name(PACKAGE.parent / path.removeprefix("src/")) for path in config["files"]}
    unchecked = {
        name
        for name, path in modules()
        if covered(name, named) and path.read_text().strip() and not covered(name, checked)
    }
    assert not unchecked, f"pure modules missing from mypy's files: {sorted(unchecked)}"
