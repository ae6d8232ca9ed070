"""Issue 12's bound on the code's size: no module of the project over 500 lines, no workflow module (one that defines a
workflow of the product) over 350, so that each stays readable in one sitting; the stage machine reads from its table, not from code."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parent.parent
MOST_LINES, MOST_WORKFLOW_LINES = 500, 350
SKIPPED = {".venv", ".git", "node_modules", "build", "dist"}


def _modules() -> list[Path]:
    return [path for path in ROOT.rglob("*.py") if not SKIPPED & set(path.relative_to(ROOT).parts)]


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_500_lines():
    modules = _modules()
    assert len(modules) > 100
    assert {str(path.relative_to(ROOT)): _lines(path) for path in modules if _lines(path) > MOST_LINES} == {}


def test_no_workflow_module_is_over_350_lines():
    # The product's workflows (a test's workflow made to exercise the SDK is not one).
    workflows = [path for path in _modules() if path.parts[len(ROOT.parts)] != "tests" and "@workflow.defn" in path.read_text(encoding="utf-8")]
    assert {path.name for path in workflows} >= {"draft_law.py", "consultation.py", "webhook_delivery.py"}
    assert {str(path.relative_to(ROOT)): _lines(path) for path in workflows if _lines(path) > MOST_WORKFLOW_LINES} == {}
