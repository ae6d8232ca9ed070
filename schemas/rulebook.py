"""The statutory rules of one process version as validated data (DOMAIN.md: numbers are data, never constants)."""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import date
from enum import Enum
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.calendar import in_range
from schemas.enums import (
    Actor,
    ConsultationKind,
    Counting,
    DeadlineAnchor,
    DocumentKind,
    EscalationLevel,
    LawKind,
    Outcome,
    ProcessVersion,
    ProgrammeTrack,
    RestDay,
    Role,
    SessionProcedure,
    Stage,
)
from schemas.interned import Interned
from schemas.time import Day


class RuleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimeLimit(RuleModel):
    days: int = Field(ge=1, le=3650)
    counting: Counting
    anchor: DeadlineAnchor
    source: str = Field(min_length=3, description="the article the number is read from")
    unverified: bool = Field(description="DOMAIN.md marks the number [check]: not read in a law text")
    # Added with the stage table (editions 2025.4, 2015.4): optional, so that rulebooks pinned earlier still load.
    url: str | None = Field(default=None, description="where the article's text was read")
    rest_day: RestDay | None = Field(
        default=None,
        description="when the last day is a rest day; none: the next working day for a period counted forward (Civil Code 2015 "
        "Art. 148(5)), the working day before for a cut-off counted back from a session or meeting (never less than the minimum)",
    )
    law_kinds: tuple[LawKind, ...] = Field(default=(), description="the kinds of draft it applies to; none: every kind")
    procedures: tuple[SessionProcedure, ...] = Field(default=(), description="the Assembly procedures it applies to; none: every one")

    def applies_to(self, law_kind: LawKind, procedure: SessionProcedure) -> bool:
        return (not self.law_kinds or law_kind in self.law_kinds) and (not self.procedures or procedure in self.procedures)

    @property
    def on_rest_day(self) -> RestDay:
        if self.rest_day is not None:
            return self.rest_day
        backward = self.anchor in (DeadlineAnchor.BEFORE_NA_SESSION, DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING)
        return RestDay.PREVIOUS_WORKING_DAY if backward else RestDay.NEXT_WORKING_DAY


class PathCondition(RuleModel):
    """When a stage is on a draft's path: for which Assembly procedures and which kinds of draft."""

    procedures: tuple[SessionProcedure, ...] = Field(default=(), description="none: every procedure")
    law_kinds: tuple[LawKind, ...] = Field(default=(), description="none: every kind of draft")

    def admits(self, procedure: SessionProcedure, law_kind: LawKind) -> bool:
        return (not self.procedures or procedure in self.procedures) and (not self.law_kinds or law_kind in self.law_kinds)


_LAWS = (LawKind.NEW_LAW, LawKind.AMENDING_LAW)
# The Assembly's stages, as the code placed them before the stage table said so: editions pinned then keep them.
_FIRST_EDITION_PATHS = {
    Stage.NA_FIRST_SESSION: PathCondition(procedures=(SessionProcedure.TWO_SESSIONS, SessionProcedure.THREE_SESSIONS), law_kinds=_LAWS),
    Stage.INTER_SESSION_REVISION: PathCondition(procedures=(SessionProcedure.TWO_SESSIONS, SessionProcedure.THREE_SESSIONS), law_kinds=_LAWS),
    Stage.NA_SECOND_SESSION: PathCondition(procedures=(SessionProcedure.THREE_SESSIONS,), law_kinds=_LAWS),
    Stage.SECOND_INTER_SESSION_REVISION: PathCondition(procedures=(SessionProcedure.THREE_SESSIONS,), law_kinds=_LAWS),
    Stage.NA_SESSION: PathCondition(law_kinds=_LAWS),
}


class Decider(RuleModel):
    actor: Actor
    roles: tuple[Role, ...] = Field(min_length=1)


class Holiday(RuleModel):
    day: Day
    name: str = Field(min_length=2)
    unverified: bool = Field(default=False, description="the day is expected, not yet announced by the Government")

    @model_validator(mode="after")
    def _dated(self) -> Holiday:
        in_range(self.day, "day")
        return self


class EscalationStep(RuleModel):
    level: EscalationLevel
    days_after: int = Field(ge=0, le=365, description="calendar days after the deadline passed")


class FollowUp(RuleModel):
    """How the Government Office follows a deadline up: early warnings, then escalation (từ sớm, từ xa)."""

    source: str = Field(min_length=3)
    unverified: bool
    warn_at_fractions: tuple[float, ...] = Field(description="warn when this share of the window has elapsed, e.g. 0.5")
    warn_days_before: tuple[int, ...] = Field(description="warn this many days before the deadline")
    escalation: tuple[EscalationStep, ...] = Field(min_length=1)
    late_request_days: int = Field(ge=0, le=60, description="a postponement asked this close to the deadline is flagged late")
    url: str | None = None

    @model_validator(mode="after")
    def _sane(self) -> FollowUp:
        if any(not 0 < f < 1 for f in self.warn_at_fractions):
            raise ValueError("warn_at_fractions: each must lie strictly between 0 and 1")
        if any(d < 1 for d in self.warn_days_before):
            raise ValueError("warn_days_before: each must be at least 1")
        check_ladder(self.escalation, "escalation")
        return self


def check_ladder(ladder: tuple[EscalationStep, ...], field: str) -> None:
    days = [step.days_after for step in ladder]
    if days != sorted(days) or len({s.level for s in ladder}) != len(days):
        raise ValueError(f"{field}: levels must be distinct and in order of days_after")


class StageLadder(RuleModel):
    """A stage's own escalation ladder, where those told as its deadline slips are not the Government's (the Assembly's
    stages: the National Assembly Office, then the Standing Committee)."""

    source: str = Field(min_length=3)
    unverified: bool
    escalation: tuple[EscalationStep, ...] = Field(min_length=1)
    url: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> StageLadder:
        check_ladder(self.escalation, "escalation")
        return self


class StageRule(RuleModel):
    stage: Stage
    name_vi: str = Field(min_length=2, description="the stage's name as officials say it")
    source: str = Field(min_length=3)
    time_limit: TimeLimit | None = None
    meeting_cutoff: TimeLimit | None = Field(
        default=None, description="a second cut-off, before the Standing Committee meeting; the earlier one applies"
    )
    deciders: tuple[Decider, ...] = Field(min_length=1)
    outcomes: tuple[Outcome, ...] = Field(min_length=1)
    required_documents: tuple[DocumentKind, ...] = ()
    # Added with editions 2025.6 and 2015.6; earlier editions let a document filed at any stage count.
    renewed_documents: tuple[DocumentKind, ...] = Field(
        default=(), description="required kinds that count only when filed since the draft entered this stage or since the last "
        "decision taken there (the stage's own report, the revised draft): one filed before does not count"
    )
    return_to: tuple[Stage, ...] = Field(default=(), description="stages a return for revision may send the draft to; the first is the default")
    postponement_authority: tuple[Decider, ...] = Field(
        default=(), description="who may approve moving this stage's deadline; none: it cannot be moved"
    )
    on_path: PathCondition | None = Field(default=None, description="when the stage is on a draft's path; none: always")
    url: str | None = Field(default=None, description="where the article's text was read")
    # Added with editions 2025.5 and 2015.5; earlier editions did not say.
    refer_to: Stage | None = Field(
        default=None, description="where REFER_TO_ASSEMBLY sends an ordinance the President still disagrees with: the Assembly's session"
    )
    unverified: bool | None = Field(
        default=None, description="False: the stage's article was read in a law text (`url`) and names who decides; True: not read; "
        "none: an edition before 2025.5 and 2015.5, which did not say"
    )
    # Added with editions 2025.7 and 2015.7; earlier editions escalated every stage up the Government's ladder.
    escalation_ladder: StageLadder | None = Field(
        default=None, description="the stage's own escalation ladder (the Assembly's, the President's); none: the follow-up's, "
        "the Government Office's"
    )

    @property
    def path_condition(self) -> PathCondition:
        return self.on_path or _FIRST_EDITION_PATHS.get(self.stage, _ALWAYS)

    @model_validator(mode="after")
    def _consistent(self) -> StageRule:
        if self.stage.is_terminal:
            raise ValueError(f"{self.stage.value}: a terminal stage has no rule")
        if Outcome.WITHDRAW in self.outcomes:
            raise ValueError(f"{self.stage.value}: WITHDRAW is ruled by the rulebook's withdrawal section, not per stage")
        if (Outcome.RETURN_FOR_REVISION in self.outcomes) != bool(self.return_to):
            raise ValueError(f"{self.stage.value}: return_to must be given exactly when RETURN_FOR_REVISION is an outcome")
        if (Outcome.REFER_TO_ASSEMBLY in self.outcomes) != (self.refer_to is not None):
            raise ValueError(f"{self.stage.value}: refer_to must be given exactly when REFER_TO_ASSEMBLY is an outcome")
        if self.meeting_cutoff is not None and self.meeting_cutoff.anchor is not DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING:
            raise ValueError(f"{self.stage.value}: meeting_cutoff must be anchored BEFORE_STANDING_COMMITTEE_MEETING")
        if len({d.actor for d in self.deciders}) != len(self.deciders):
            raise ValueError(f"{self.stage.value}: an actor is listed twice among deciders")
        if stray := [kind.value for kind in self.renewed_documents if kind not in self.required_documents]:
            raise ValueError(f"{self.stage.value}: renewed_documents must be required_documents too: {', '.join(stray)}")
        return self

    def decider(self, actor: Actor) -> Decider | None:
        return next((d for d in self.deciders if d.actor is actor), None)


_ALWAYS = PathCondition()


class KeptStage(RuleModel):
    """A stage a track skips that drafts of some kinds still pass: an ordinance on the special track is still adopted by
    the Standing Committee (DOMAIN.md correction 1)."""

    stage: Stage
    law_kinds: tuple[LawKind, ...] = Field(min_length=1)


class TrackRule(RuleModel):
    """A programme track other than the regular one (Art. 51 shortened, Art. 52 special)."""

    track: ProgrammeTrack
    skips: tuple[Stage, ...] = Field(description="stages a draft on this track does not pass")
    source: str = Field(min_length=3)
    unverified: bool
    url: str | None = None
    # Added with editions 2025.8 and 2015.8; earlier editions skipped every stage listed for every kind of draft.
    kept_for: tuple[KeptStage, ...] = Field(default=(), description="skipped stages that drafts of the kinds named still pass")

    def skips_stage(self, stage: Stage, law_kind: LawKind) -> bool:
        return stage in self.skips and not any(kept.stage is stage and law_kind in kept.law_kinds for kept in self.kept_for)

    @model_validator(mode="after")
    def _kept_skipped(self) -> TrackRule:
        if stray := [kept.stage.value for kept in self.kept_for if kept.stage not in self.skips]:
            raise ValueError(f"{self.track.value}: kept_for names a stage the track does not skip: {', '.join(stray)}")
        return self


class PostedText(RuleModel):
    """The document a public posting shows at a stage whose text is not yet the draft law's."""

    stage: Stage
    kind: DocumentKind


class ConsultationWindow(RuleModel):
    """How long consultees have to answer a round of each kind; silence after it is recorded."""

    kind: ConsultationKind
    days: int = Field(ge=1, le=365)
    counting: Counting
    anchor: DeadlineAnchor = Field(
        default=DeadlineAnchor.STAGE_ENTRY,
        description="STAGE_ENTRY: the window runs from the round's opening; BEFORE_NA_SESSION: it closes this many days before the target session",
    )
    stages: tuple[Stage, ...] = Field(min_length=1, description="stages at which a round of this kind may be opened")
    source: str = Field(min_length=3)
    unverified: bool
    url: str | None = None
    # Added with editions 2025.8 and 2015.8; earlier editions held every window as a minimum.
    statutory_minimum: bool = Field(
        default=True, description="True: consultees have at least `days` (a round may not be shorter); False: the law sets no number "
        "and `days` is the round's default, which its opener may shorten (the Fatherland Front's social critique, DOMAIN.md correction 6)"
    )
    posted_text: tuple[PostedText, ...] = Field(
        default=(), description="the document a round of this kind needs in the dossier at a stage, where not the draft's text "
        "(DRAFT_TEXT): at the policy proposal, the proposal (POLICY_PROPOSAL); editions before 2025.8 asked DRAFT_TEXT everywhere"
    )

    def text_at(self, stage: Stage) -> DocumentKind:
        """The document the public reads when a round of this kind is opened at `stage`."""
        return next((posted.kind for posted in self.posted_text if posted.stage is stage), DocumentKind.DRAFT_TEXT)


CitedRule = Literal["withdrawal", "filing", "arbitration", "programme_changes", "postponement_authority"]


class Citation(RuleModel):
    """Where a rule with no source field of its own is read: who may withdraw, file, arbitrate, change the programme
    or approve a postponement (`postponement_authority` covers every stage's)."""

    rule: CitedRule
    source: str = Field(min_length=3, description="the article the rule is read from, or why none was found")
    unverified: bool
    url: str | None = Field(default=None, description="where the article's text was read")


class Rulebook(RuleModel, Interned):
    process_version: ProcessVersion
    version: str = Field(pattern=r"^\d{4}\.\d+$", description="edition of this rulebook, e.g. 2025.1")
    source: str = Field(min_length=3)
    stages: tuple[StageRule, ...] = Field(min_length=1)
    withdrawal: tuple[Decider, ...] = Field(min_length=1, description="who may withdraw a draft (rút dự án)")
    filing: tuple[Decider, ...] = Field(min_length=1, description="who may file documents to the dossier (gửi hồ sơ)")
    # From editions 2025.11 and 2015.11 (found by a lead ministry's trial: its own "appraisal report" filed replaced the
    # Ministry of Justice's in the dossier, and counted for the examination).
    filed_with_decisions: tuple[DocumentKind, ...] = Field(
        default=(), description="the documents a deciding body gives with its own decision (its report, resolution, conclusion, "
        "vote record, order): attached to that decision, never filed (`filed_with_decision`)")
    follow_up: FollowUp
    arbitration: tuple[Decider, ...] = Field(
        default=(Decider(actor=Actor.DEPUTY_PM, roles=(Role.DEPUTY_PRIME_MINISTER,)), Decider(actor=Actor.PM, roles=(Role.PRIME_MINISTER,))),
        description="who rules on ministries' disagreements, in order of escalation",
    )
    arbitration_stage: Stage = Field(default=Stage.GOVERNMENT_REVIEW, description="where the Government Office coordinates")
    public_holidays: tuple[Holiday, ...] = Field(
        default=(), description="first editions only: days off that WORKING_DAYS limits skipped besides weekends; later drafts "
        "count on the working calendar the Government announces (schemas/calendars/working_days.json)"
    )
    # Added after the first drafts ran: optional, so that rulebooks pinned in their histories still load.
    programme_changes: tuple[Decider, ...] = Field(default=(), description="who may change the programme while a draft runs")
    tracks: tuple[TrackRule, ...] = ()
    consultation: tuple[ConsultationWindow, ...] = ()
    ordinance_reconsideration: TimeLimit | None = Field(
        default=None, description="how long after an ordinance reaches him the President may ask the Standing Committee to reconsider"
    )
    url: str | None = Field(default=None, description="where the law's text was read")
    citations: tuple[Citation, ...] = Field(default=(), description="sources of the rules that have no source field of their own")

    @property
    def holidays(self) -> frozenset[date]:
        return frozenset(h.day for h in self.public_holidays)

    @model_validator(mode="after")
    def _unique_stages(self) -> Rulebook:
        seen = [rule.stage for rule in self.stages]
        if len(set(seen)) != len(seen):
            raise ValueError("stages: a stage is ruled twice")
        cited = [c.rule for c in self.citations]
        if len(set(cited)) != len(cited):
            raise ValueError("citations: a rule is cited twice")
        return self

    def citation(self, rule: CitedRule) -> Citation | None:
        return next((c for c in self.citations if c.rule == rule), None)

    def track(self, track: ProgrammeTrack) -> TrackRule | None:
        return next((t for t in self.tracks if t.track is track), None)

    def window(self, kind: ConsultationKind) -> ConsultationWindow | None:
        return next((w for w in self.consultation if w.kind is kind), None)

    def rule(self, stage: Stage) -> StageRule:
        for candidate in self.stages:
            if candidate.stage is stage:
                return candidate
        raise KeyError(f"rulebook {self.process_version.value} {self.version} has no rule for {stage.value}")

    @functools.cached_property
    def digest(self) -> str:
        """A short fingerprint of the rules, recorded so that an audit can tell which edition applied (computed once
        per instance: the interned rulebook of a worker serves every draft pinned to it)."""
        canonical = json.dumps(_dump_as_written(self, int(self.version.split('.')[1])), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


# Fields added after the first editions count in a digest only when an edition gives them a value, so
# that old editions keep the digests recorded when drafts pinned them.
_ADDED_LATER = {
    "Rulebook": {"programme_changes", "tracks", "consultation", "ordinance_reconsideration", "url", "citations", "filed_with_decisions"},
    "StageRule": {"on_path", "url", "unverified", "refer_to", "renewed_documents", "escalation_ladder"},
    "TimeLimit": {"url", "rest_day", "law_kinds", "procedures"},
    "ConsultationWindow": {"url", "statutory_minimum", "posted_text"},
    "TrackRule": {"url", "kept_for"},
    "FollowUp": {"url"},
}
# Fields added without that care, and counted (defaults included) from the edition that first had them. In a
# payload of an earlier edition they count only where it holds them: the model of the time had them or not
# (two variants of edition 1 were pinned). A first-generation draft that continues as new writes every field of
# its edition 1 rulebook, and shows the digest of the variant that had them from then on.
_COUNTED_FROM = {
    "Rulebook": {"arbitration": 2, "arbitration_stage": 2, "public_holidays": 2},
    "StageRule": {"meeting_cutoff": 2},
    "ConsultationWindow": {"anchor": 3},
}


def _counted(value: BaseModel, name: str, edition: int) -> bool:
    kind = type(value).__name__
    if name in _ADDED_LATER.get(kind, ()):
        return getattr(value, name) != type(value).model_fields[name].default
    return edition >= _COUNTED_FROM.get(kind, {}).get(name, 0) or name in value.model_fields_set


def _dump_as_written(value: object, edition: int) -> object:
    if isinstance(value, BaseModel):
        return {name: _dump_as_written(getattr(value, name), edition) for name in type(value).model_fields if _counted(value, name, edition)}
    if isinstance(value, (tuple, list)):
        return [_dump_as_written(item, edition) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value.value if isinstance(value, Enum) else value


def rulebook_file(version: ProcessVersion) -> str:
    return f"{version.value.lower()}.json"


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> Rulebook:
    # One object per edition's text: the current file and a kept edition with the same text are the same rulebook.
    return Rulebook.model_validate_json(text)


@functools.cache
def load_rulebook(version: ProcessVersion) -> Rulebook:
    """The rulebook shipped for a process version, read and validated once per process: the editions a workflow finds by
    reference (`edition`) are read once too, so a file changed under a running worker could only pin an edition its
    drafts would not find. Raises ValueError when the file names another process version."""
    text = resources.files("schemas.rulebooks").joinpath(rulebook_file(version)).read_text(encoding="utf-8")
    book = _parsed(text)
    if book.process_version is not version:
        raise ValueError(f"{rulebook_file(version)} declares process_version {book.process_version.value}")
    return book


def _shipped_editions() -> dict[tuple[ProcessVersion, str], Rulebook]:
    current = [load_rulebook(version) for version in ProcessVersion]
    folder = resources.files("schemas.rulebooks").joinpath("editions")
    kept = [_parsed(f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".json")] if folder.is_dir() else []
    return {(book.process_version, book.digest): book for book in (*kept, *current)}


# Read as the module is imported (outside the workflow sandbox), so that a workflow finds an edition without I/O.
_EDITIONS = _shipped_editions()


def edition(process_version: ProcessVersion, digest: str) -> Rulebook:
    """The rulebook edition of `process_version` whose `digest` is given: the one shipped now, or an earlier one kept in
    `schemas/rulebooks/editions/` (every edition listed in `editions.json` must stay findable, since drafts pinned it by
    reference). Raises LookupError when this release has it not."""
    try:
        return _EDITIONS[(process_version, digest)]
    except KeyError:
        raise LookupError(f"rulebook {process_version.value} edition {digest} is not shipped with this release; keep it in "
                          "schemas/rulebooks/editions/") from None


def shipped(book: Rulebook) -> bool:
    """Whether `book` is, field for field, an edition this release ships (its digest is not trusted alone: a changed copy
    of a rulebook keeps the digest cached on the original)."""
    found = _EDITIONS.get((book.process_version, book.digest))
    return found is book or found == book


def editions_of(process_version: ProcessVersion) -> tuple[Rulebook, ...]:
    """Every edition of `process_version` this release ships (the current one and those kept for drafts that pinned them)."""
    return tuple(book for (version, _), book in _EDITIONS.items() if version is process_version)
