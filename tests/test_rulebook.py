import base64
import json
import re
from importlib import resources

import pytest
from pydantic import ValidationError

from schemas.enums import Outcome, ProcessVersion, Stage, procedures_for
from schemas.records import PinnedRules
from schemas.rulebook import Rulebook, edition, load_rulebook
from tests.drafts import core_request, pinned
from tests.record_histories import HISTORIES
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


def _broken(edit) -> dict:
    raw = _raw()
    edit(raw, next(s for s in raw["stages"] if s.get("meeting_cutoff")), raw["follow_up"])
    return raw


@pytest.mark.parametrize(("edit", "said"), [
    (lambda raw, stage, follow: stage["meeting_cutoff"].update(anchor="STAGE_ENTRY"), "meeting_cutoff must be anchored BEFORE_STANDING_COMMITTEE_MEETING"),
    (lambda raw, stage, follow: stage["deciders"].append(stage["deciders"][0]), "an actor is listed twice among deciders"),
    (lambda raw, stage, follow: follow["escalation"].reverse(), "escalation: levels must be distinct and in order of days_after"),
    (lambda raw, stage, follow: follow.update(warn_at_fractions=[0.5, 1.0]), "warn_at_fractions: each must lie strictly between 0 and 1"),
    (lambda raw, stage, follow: follow.update(warn_days_before=[0]), "warn_days_before: each must be at least 1"),
])
def test_an_edited_rulebook_that_breaks_a_rule_of_its_own_is_refused_naming_it(edit, said):
    """Found by mutation testing: no test loaded a rulebook breaking these (an operator edits a copy: README, "The process
    versions and the rulebook"); the shipped one passes them."""
    Rulebook.model_validate(_raw())
    with pytest.raises(ValidationError, match=re.escape(said)):
        Rulebook.model_validate(_broken(edit))


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


def _pinned_in(history: dict) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The editions a committed history pinned (activity results: a rulebook's text read back by today's model, or an
    edition named by reference and found among those shipped; or the rulebook of the state a run was continued with)
    and the editions its memo recorded, as (edition, digest)."""
    pinned, recorded = set(), set()
    for payload in re.findall(r'"data": "([A-Za-z0-9+/=]+)"', json.dumps(history)):
        text = base64.b64decode(payload).decode("utf-8", "replace")
        recorded |= set(re.findall(r"LAW_20\d\d (20\d\d\.\d+) \(([0-9a-f]{12})\)", text))
        if text.startswith("{") and '"stages"' in text:
            value = json.loads(text)
            book = value.get("rulebook") or (value.get("carried") or {}).get("rulebook") or value
            pinned.add((book["version"], Rulebook.model_validate(book).digest))
        elif text.startswith('{"rulebook":') and '"by_reference":true' in text:
            named = json.loads(text)["rulebook"]
            found = edition(ProcessVersion(named["process_version"]), named["digest"])
            pinned.add((found.version, found.digest))
    return pinned, recorded


def test_editions_pinned_in_committed_histories_keep_the_digests_their_memos_recorded():
    """Running drafts keep what they pinned: every edition from 2025.1 and 2015.1 on, read back by today's model, has the
    digest its draft recorded, whatever fields were added since (`_ADDED_LATER`); one pinned by reference is found."""
    seen = set()
    for path in sorted(HISTORIES.glob("*.json")):
        pinned_there, recorded = _pinned_in(json.loads(path.read_text(encoding="utf-8")))
        assert pinned_there and recorded, path.name
        assert pinned_there == recorded, path.name
        seen |= {version for version, _ in recorded}
    assert {"2025.1", "2025.4", "2025.5", "2025.6", "2015.1", "2015.4", "2015.6"} <= seen


def editions_pinned() -> dict[ProcessVersion, tuple[str, ...]]:
    """The editions that drafts may have pinned by reference, by process version (`schemas/rulebooks/editions.json`)."""
    listed = json.loads(resources.files("schemas.rulebooks").joinpath("editions.json").read_text(encoding="utf-8"))
    return {ProcessVersion(version): tuple(digests) for version, digests in listed.items()}


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_every_edition_a_draft_may_have_pinned_by_reference_is_found_and_every_shipped_one_listed(version):
    listed = editions_pinned()[version]
    assert load_rulebook(version).digest in listed
    for digest in listed:
        found = edition(version, digest)
        assert (found.process_version, found.digest) == (version, digest)


def test_an_edition_this_release_lacks_is_named():
    with pytest.raises(LookupError, match="LAW_2025 edition 000000000000 is not shipped"):
        edition(ProcessVersion.LAW_2025, "000000000000")


def test_a_pin_by_reference_reads_back_as_the_edition_it_names_and_a_pin_by_value_still_reads():
    by_value = pinned(core_request())
    by_reference = by_value.model_copy(update={"by_reference": True})
    written = by_reference.model_dump_json()
    assert json.loads(written)["rulebook"] == {"process_version": "LAW_2025", "version": by_value.rulebook.version, "digest": by_value.rulebook.digest}
    assert len(by_value.model_dump_json()) - len(written) > 15_000
    read = PinnedRules.model_validate_json(written)
    assert read == by_reference and read.rulebook is load_rulebook(ProcessVersion.LAW_2025)
    assert PinnedRules.model_validate_json(by_value.model_dump_json()) == by_value
    with pytest.raises(LookupError):
        PinnedRules.model_validate_json(written.replace(by_value.rulebook.digest, "000000000000"))


def test_drafts_started_now_pin_by_reference_in_their_committed_histories():
    history = (HISTORIES / "law_2025_one_session-s7.json").read_text(encoding="utf-8")
    texts = [base64.b64decode(p).decode("utf-8", "replace") for p in re.findall(r'"data": "([A-Za-z0-9+/=]+)"', history)]
    assert any(t.startswith('{"rulebook":{"process_version":"LAW_2025"') and '"by_reference":true' in t for t in texts)
    assert not any('"stages"' in t for t in texts)


def test_only_a_shipped_edition_is_written_by_reference_and_a_reference_must_name_its_edition():
    shipped_pin = pinned(core_request()).model_copy(update={"by_reference": True})
    changed = shipped_pin.rulebook.model_copy(update={"version": "1999.2"})
    assert changed.digest == shipped_pin.rulebook.digest  # the digest cached on the original comes with the copy
    written = json.loads(shipped_pin.model_copy(update={"rulebook": changed}).model_dump_json())
    assert written["rulebook"]["version"] == "1999.2" and "stages" in written["rulebook"]
    named, version = shipped_pin.model_dump_json(), shipped_pin.rulebook.version
    with pytest.raises(LookupError, match=f"is {version} here, not 1999.1"):
        PinnedRules.model_validate_json(named.replace(f'"version":"{version}"', '"version":"1999.1"'))


def test_a_shipped_rulebook_is_read_once_per_process(monkeypatch):
    # Every draft's start asks for it (the client and the pin); the editions a workflow finds by reference are read once.
    load_rulebook(ProcessVersion.LAW_2025)
    monkeypatch.setattr(resources, "files", lambda *_: pytest.fail("the rulebook's file was read again"))
    assert load_rulebook(ProcessVersion.LAW_2025) is edition(ProcessVersion.LAW_2025, load_rulebook(ProcessVersion.LAW_2025).digest)
