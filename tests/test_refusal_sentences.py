"""Every rule a page's form can meet has its sentence (README, The board: "Each rule a page's filter or form can meet (the
draft's own rules included) has its sentence in Vietnamese and in English"), read off the draft's own checks rather than
listed by hand (found by a Government Office's trial: a postponement decided by a body the rulebook does not name was
refused in English alone, `postponement_authority`)."""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from collections.abc import Callable, Iterable

from tests.test_board_pages import _reader
from web.refusals import SENTENCES, explain
from workflows import rules

# The inbox's forms: a stage's decision, a postponement's decision and a ruling; each sends its message whole.
FORM_CHECKS = (rules.check_decision, rules.check_postponement_decision, rules.check_ruling)
# What a form cannot meet: it always sends its message (`message_required`).
NOT_MET_BY_FORMS = {"message_required"}


def rules_raised(checks: Iterable[Callable]) -> set[str]:
    """The rules `Refused(field, rule, ...)` and `check_authority(..., rule)` name in `checks` and in every function of the
    project's workflows and schemas they call, followed call by call."""
    found: set[str] = set()
    seen: set[Callable] = set()
    waiting = list(checks)
    while waiting:
        function = waiting.pop()
        if function in seen:
            continue
        seen.add(function)
        module = sys.modules[function.__module__]
        for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(function)))):
            if not isinstance(node, ast.Call):
                continue
            called = node.func
            if isinstance(called, ast.Name):
                name, target = called.id, getattr(module, called.id, None)
            elif isinstance(called, ast.Attribute) and isinstance(called.value, ast.Name):
                owner = getattr(module, called.value.id, None)
                name, target = called.attr, getattr(owner, called.attr, None) if inspect.ismodule(owner) else None
            else:
                continue
            if name == "Refused" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                found.add(node.args[1].value)
            if name == "check_authority" and len(node.args) >= 5 and isinstance(node.args[4], ast.Constant):
                found.add(node.args[4].value)
            if inspect.isfunction(target) and target.__module__.startswith(("workflows.", "schemas.")):
                waiting.append(target)
    return found


def test_every_rule_the_inbox_forms_can_meet_has_its_sentence():
    raised = rules_raised(FORM_CHECKS)
    # The walk reaches the rules of the calls it follows, not only the checks' own.
    assert {"postponement_authority", "stage_authority", "at_the_meeting", "sessions_in_order", "pending_request"} <= raised
    assert not raised - NOT_MET_BY_FORMS - set(SENTENCES)


def test_a_postponement_decided_by_a_body_the_rulebook_does_not_name_is_refused_in_vietnamese():
    """Seen as a lead ministry's token deciding another draft's postponement at APPRAISAL: 403, in English alone."""
    [said] = explain(_reader("vi"), [{"field": "actor", "rule": "postponement_authority",
                                      "message": "LEAD_MINISTRY may not decide a postponement of APPRAISAL; only DEPUTY_PM, PM"}])
    assert said["text"] == "Theo quy trình, vai trò của bạn không quyết định việc lùi thời hạn ở bước này." and not said["english"], said
