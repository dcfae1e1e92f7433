"""docs/security.md names, for each promise, the one place that holds it and the tests that hold it. Every name must
exist, so that the document cannot rot: renaming or removing a test or a function it names fails here."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"`([\w./-]+\.py)::(\w+)`")


def _defined(path: Path) -> set[str]:
    """The top-level functions, classes and assigned names of a Python file."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _promises() -> list[tuple[str, str, str]]:
    """(promise, held in, tests) of every row of the document's tables."""
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0] != "Promise" and not set(cells[0]) <= {"-"}:
            rows.append(tuple(cells))
    return rows


def test_every_place_and_test_the_document_names_exists():
    references = REFERENCE.findall(DOC.read_text(encoding="utf-8"))
    assert len(references) > 100
    missing = [
        f"{path}::{name}"
        for path, name in sorted(set(references))
        if not (ROOT / path).is_file() or name not in _defined(ROOT / path)
    ]
    assert not missing, f"docs/security.md names what no longer exists: {missing}"


def test_every_promise_names_where_it_is_held_and_a_test_that_holds_it():
    promises = _promises()
    assert len(promises) >= 20
    for promise, held_in, tests in promises:
        assert REFERENCE.search(held_in), f"no place named for: {promise[:80]}"
        named = REFERENCE.findall(tests)
        assert named, f"no test named for: {promise[:80]}"
        for path, name in named:
            assert path.startswith("tests/") and name.startswith("test_"), f"{path}::{name} is not a test"
