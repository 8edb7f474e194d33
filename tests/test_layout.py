"""The apps depend on each other in one direction only:

    lib <- departments <- scoring <- bulletin <- demo, ops

An app imports only the apps to its left (config, the project package, may import all).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ALLOWED = {
    "lib": set(),
    "departments": {"lib"},
    "scoring": {"lib", "departments"},
    "bulletin": {"lib", "departments", "scoring"},
    "demo": {"lib", "departments", "scoring", "bulletin"},
    "ops": {"lib", "departments", "scoring", "bulletin"},
}


def imported_apps(path: Path) -> set[str]:
    """The project apps a module imports, at the top or inside functions alike."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & set(ALLOWED)


def test_the_table_names_every_app_of_the_project():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"config", "tests"}
    assert packages == set(ALLOWED)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) - ALLOWED[app] - {app})
        for path in sorted((ROOT / app).rglob("*.py"))
    }
    wrong = {path: apps for path, apps in wrong.items() if apps}
    assert not wrong, f"{app} may import only {sorted(ALLOWED[app])}: {wrong}"


def test_the_parser_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from bulletin.models import Issue\nimport scoring.models\n")
    assert imported_apps(module) == {"bulletin", "scoring"}


def test_lib_is_plain_helpers_and_bulletin_holds_no_operations_or_demo_data():
    assert not (ROOT / "lib" / "models.py").exists()
    for gone in ("backup.py", "archive.py", "demo", "views/health.py"):
        assert not (ROOT / "bulletin" / gone).exists(), gone
    assert (ROOT / "bulletin" / "printing" / "rendering.py").exists()


def test_no_template_decides_by_a_state_string():
    """Templates ask obj.can(step, user) (or a view's `may`), never which state it is in."""
    import re

    decides = re.compile(r"{%\s*(?:el)?if\b[^%]*\.(?:status|proposal)\s*(?:==|!=|in\b)")
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()[:80]}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for line in path.read_text("utf-8").splitlines()
        if decides.search(line)
    ]
    assert not found, found
