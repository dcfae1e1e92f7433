"""Imports run one way: the kernel imports no stage, and a stage imports the kernel and earlier stages only.

The stages' order is the one they register (reviews/stages.py); the kernel is `reviews` and `accounts`. Every
module of those apps is parsed (imports inside functions count too; migrations, which name apps as strings in
their history, do not), and so are the templates of their folders: a `{% url %}` or `{% include %}` names an app
as much as an import does. Packages that are not apps (config, bench, tests, a future API) may import anything.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from reviews import stages

ROOT = Path(settings.BASE_DIR)
KERNEL = ("reviews", "accounts")
TEMPLATE_NAMES = re.compile(r"""{%\s*(?:url|include|extends)\s+["']([a-z_]+)[:/]""")


def levels() -> dict[str, int]:
    """App -> its place: the kernel before every stage, each stage at its registered order."""
    return {**dict.fromkeys(KERNEL, -1), **{stage.app: stage.order for stage in stages.stages()}}


def imported_apps(path: Path) -> set[str]:
    """The top-level packages a module imports (relative imports stay in its own app)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def named_apps(template: Path) -> set[str]:
    return set(TEMPLATE_NAMES.findall(template.read_text()))


def sources(app: str, root: Path):
    yield from (path for path in (root / app).rglob("*.py") if "migrations" not in path.parts)
    yield from (root / "templates" / app).rglob("*.html")
    if app == "reviews" and (root / "templates" / "base.html").exists():
        yield root / "templates" / "base.html"  # the kernel's page frame


def wrong_way(app: str, level: dict[str, int], root: Path = ROOT) -> list[str]:
    """'file: app' for each import or template reference of an app at a later level: a later stage, or for a kernel
    app any stage (the two kernel apps may name each other: the page frame links the log-out)."""
    problems = []
    for path in sources(app, root):
        names = named_apps(path) if path.suffix == ".html" else imported_apps(path)
        problems += [
            f"{path.relative_to(root)}: {other}" for other in sorted(names - {app}) if level.get(other, -2) > level[app]
        ]
    return problems


def test_the_stages_are_registered_in_the_workflows_order():
    assert [stage.app for stage in stages.stages()] == [
        "identification",
        "screening",
        "extraction",
        "appraisal",
        "analysis",
        "certainty",
    ]


@pytest.mark.parametrize(
    "app", [*KERNEL, "identification", "screening", "extraction", "appraisal", "analysis", "certainty"]
)
def test_an_app_imports_only_the_kernel_and_earlier_stages(app):
    problems = wrong_way(app, levels())
    assert not problems, f"{app} depends on an app that comes after it: {problems}"


def test_the_check_sees_an_import_of_a_later_stage_and_a_kernel_template_naming_a_stage(tmp_path):
    (tmp_path / "screening").mkdir()
    (tmp_path / "screening" / "views.py").write_text("def f():\n    from extraction.services import is_locked\n")
    (tmp_path / "templates" / "reviews").mkdir(parents=True)
    (tmp_path / "templates" / "reviews" / "page.html").write_text("{% url 'screening:prisma' review.pk %}")
    assert wrong_way("screening", levels(), tmp_path) == ["screening/views.py: extraction"]
    assert wrong_way("reviews", levels(), tmp_path) == ["templates/reviews/page.html: screening"]
