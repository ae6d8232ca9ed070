import json
from importlib import resources

import pytest
from pydantic import ValidationError

from schemas.enums import Outcome, ProcessVersion, Stage, procedures_for
from schemas.rulebook import Rulebook, load_rulebook
from workflows.stage_graph import stage_path


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_every_stage_on_every_path_has_exactly_one_rule(version):
    book = load_rulebook(version)
    ruled = {rule.stage for rule in book.stages}
    on_paths = {stage for procedure in procedures_for(version) for stage in stage_path(book, procedure)}
    assert ruled == on_paths


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_return_targets_lie_on_the_path_before_the_stage(version):
    book = load_rulebook(version)
    path = stage_path(book, procedures_for(version)[-1])
    for rule in book.stages:
        for target in rule.return_to:
            assert path.index(target) <= path.index(rule.stage), (rule.stage, target)


def test_statutory_numbers_of_law_2025():
    book = load_rulebook(ProcessVersion.LAW_2025)
    appraisal = book.rule(Stage.APPRAISAL).time_limit
    assert (appraisal.days, appraisal.anchor.value, appraisal.unverified) == (30, "COMPLETE_DOSSIER", False)
    assert book.rule(Stage.GOVERNMENT_DECISION).time_limit.days == 45
    assert book.rule(Stage.PROMULGATION).time_limit.days == 15
    assert book.rule(Stage.NA_SESSION).outcomes == (Outcome.VOTE, Outcome.CARRY_OVER, Outcome.RETURN_FOR_REVISION, Outcome.REJECT)


def test_numbers_domain_marks_unverified_carry_the_flag():
    dossier_rule = load_rulebook(ProcessVersion.LAW_2015).rule(Stage.GOVERNMENT_DECISION).time_limit
    assert dossier_rule.unverified is True


def _raw(version=ProcessVersion.LAW_2025) -> dict:
    return json.loads(resources.files("schemas.rulebooks").joinpath(f"{version.value.lower()}.json").read_text("utf-8"))


def test_a_stage_ruled_twice_is_refused():
    raw = _raw()
    raw["stages"].append(raw["stages"][0])
    with pytest.raises(ValidationError, match="ruled twice"):
        Rulebook.model_validate(raw)


def test_a_return_outcome_without_target_is_refused():
    raw = _raw()
    appraisal = next(s for s in raw["stages"] if s["stage"] == "APPRAISAL")
    appraisal["return_to"] = []
    with pytest.raises(ValidationError, match="return_to must be given"):
        Rulebook.model_validate(raw)


def test_unknown_fields_and_negative_days_are_refused():
    raw = _raw()
    raw["stages"][3]["time_limit"]["days"] = -1
    with pytest.raises(ValidationError, match="days"):
        Rulebook.model_validate(raw)
    raw = _raw()
    raw["stages"][0]["deadline_days"] = 3
    with pytest.raises(ValidationError, match="deadline_days"):
        Rulebook.model_validate(raw)


def test_digest_changes_with_any_number():
    book = load_rulebook(ProcessVersion.LAW_2025)
    raw = _raw()
    next(s for s in raw["stages"] if s["stage"] == "APPRAISAL")["time_limit"]["days"] = 31
    assert Rulebook.model_validate(raw).digest != book.digest


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_tracks_skip_only_stages_of_the_path_and_windows_open_only_on_it(version):
    book = load_rulebook(version)
    path = set(stage_path(book, procedures_for(version)[-1]))
    assert book.tracks and all(set(track.skips) <= path for track in book.tracks)
    assert book.consultation and all(set(window.stages) <= path for window in book.consultation)
    assert book.ordinance_reconsideration.days == 10 and book.programme_changes


def test_an_added_optional_field_keeps_the_digest_of_an_edition_without_it():
    raw = json.loads(resources.files("schemas.rulebooks").joinpath("law_2025.json").read_text(encoding="utf-8"))
    for later in ("programme_changes", "tracks", "consultation", "ordinance_reconsideration"):
        raw.pop(later)
    without = Rulebook.model_validate(raw)
    assert Rulebook.model_validate_json(without.model_dump_json()).digest == without.digest
    assert without.digest != load_rulebook(ProcessVersion.LAW_2025).digest
