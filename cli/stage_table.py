"""A rulebook's stage table as a person checks it against the law: one row per stage, each outcome with the stage it
leads to on every path, and the same as a Mermaid state diagram.

Everything is read from the rulebook and from `workflows.stage_graph`, which the drafts themselves follow, so
the table cannot say something the engine does not do. A path is one kind of draft under one Assembly
procedure on one programme track; where the next stage differs between paths, each is given with the
paths it holds for.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from schemas import citations
from schemas.enums import DocumentKind, LawKind, Outcome, ProgrammeTrack, RestDay, SessionProcedure, Stage, procedures_for
from schemas.rulebook import Citation, ConsultationWindow, Decider, FollowUp, Rulebook, StageLadder, StageRule, TimeLimit, TrackRule
from workflows.stage_graph import next_stage, stage_path


class Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class Condition(Row):
    """Which paths something holds for; an empty field means any."""

    law_kinds: tuple[LawKind, ...] = ()
    procedures: tuple[SessionProcedure, ...] = ()
    tracks: tuple[ProgrammeTrack, ...] = ()


class Transition(Row):
    outcome: str
    to: Stage
    when: tuple[Condition, ...] = ()
    default: bool = False


class Limit(Row):
    name: str
    days: int
    counting: str
    anchor: str
    rest_day: RestDay
    law_kinds: tuple[LawKind, ...]
    procedures: tuple[SessionProcedure, ...]
    source: str
    url: str | None
    unverified: bool


class StageRow(Row):
    stage: Stage
    name_vi: str
    on_path: Condition
    referred_from: tuple[Stage, ...] = ()
    skipped_on: tuple[ProgrammeTrack, ...]
    kept_on: tuple[str, ...] = Field(default=(), description="drafts that still pass it on a track that skips it, in words: "
                                     "\"ordinances on the SPECIAL track\"")
    transitions: tuple[Transition, ...]
    deciders: tuple[Decider, ...]
    required_documents: tuple[str, ...]
    renewed_documents: tuple[str, ...] = Field(default=(), description="of the required kinds, those that count only when filed "
                                               "at this stage for its decision")
    limits: tuple[Limit, ...]
    postponement_authority: tuple[Decider, ...]
    escalation_ladder: StageLadder | None = Field(default=None, description="the stage's own escalation ladder; none: the follow-up's")
    source: str
    url: str | None
    unverified: bool | None


class Unverified(Row):
    """How many of the numbers and rules are not yet read in a law text, and where; `uncited`: those that claim to be
    read without their article or URL (none in a shipped edition)."""

    count: int
    of: int
    numbers_unverified: int = Field(description="of `count`, the numbers (time limits, windows, the follow-up ladder)")
    numbers: int = Field(description="of `of`, the numbers; the others are rules (stages, tracks, citations)")
    where: tuple[str, ...]
    uncited: tuple[str, ...] = ()


class StageTable(Row):
    process_version: str
    version: str
    digest: str
    source: str
    url: str | None
    stages: tuple[StageRow, ...]
    withdrawal: tuple[Decider, ...]
    filing: tuple[Decider, ...]
    filed_with_decisions: tuple[DocumentKind, ...] = ()
    tracks: tuple[TrackRule, ...]
    consultation: tuple[ConsultationWindow, ...]
    ordinance_reconsideration: Limit | None
    follow_up: FollowUp
    citations: tuple[Citation, ...]
    unverified: Unverified


@dataclass(frozen=True)
class Route:
    law_kind: LawKind
    procedure: SessionProcedure
    track: ProgrammeTrack
    stages: tuple[Stage, ...]


_DIMENSIONS = ("track", "law_kind", "procedure")
_PLURAL = {"track": "tracks", "law_kind": "law_kinds", "procedure": "procedures"}


def routes(book: Rulebook) -> list[Route]:
    tracks = (ProgrammeTrack.REGULAR, *(t.track for t in book.tracks))
    return [
        Route(kind, procedure, track, stage_path(book, procedure, law_kind=kind, track=track))
        for track in tracks for kind in LawKind for procedure in procedures_for(book.process_version)
    ]


def _ordered(values: set, enum: type) -> tuple:
    return tuple(member for member in enum if member in values)


def _product(group: list[Route], universe: list[Route]) -> Condition:
    """The smallest condition of the form kinds x procedures x tracks that covers `group`, naming only what narrows `universe`."""
    fields = {}
    for dimension, enum in zip(_DIMENSIONS, (ProgrammeTrack, LawKind, SessionProcedure), strict=True):
        chosen = {getattr(r, dimension) for r in group}
        if chosen != {getattr(r, dimension) for r in universe}:
            fields[_PLURAL[dimension]] = _ordered(chosen, enum)
    return Condition(**fields)


def _holds(condition: Condition, route: Route) -> bool:
    return all(not getattr(condition, _PLURAL[d]) or getattr(route, d) in getattr(condition, _PLURAL[d]) for d in _DIMENSIONS)


def conditions(group: list[Route], universe: list[Route], split: tuple[str, ...] = _DIMENSIONS) -> tuple[Condition, ...]:
    """The paths of `group` among those of `universe`, as few conditions as a split by track, kind, then procedure gives."""
    if {id(r) for r in group} == {id(r) for r in universe}:
        return ()
    covering = _product(group, universe)
    if all(_holds(covering, r) == any(r is g for g in group) for r in universe) or not split:
        return (covering,)
    dimension, rest = split[0], split[1:]
    found: list[Condition] = []
    for value in dict.fromkeys(getattr(r, dimension) for r in group):
        part = [r for r in group if getattr(r, dimension) is value]
        within = [r for r in universe if getattr(r, dimension) is value]
        narrowed = conditions(part, within, rest) or (Condition(),)
        found += [c.model_copy(update={_PLURAL[dimension]: (value,)}) for c in narrowed]
    # Values split apart whose conditions are otherwise the same read as one: "REGULAR or SHORTENED track".
    merged: dict[str, Condition] = {}
    for condition in found:
        key = condition.model_copy(update={_PLURAL[dimension]: ()}).model_dump_json()
        if (same := merged.get(key)) is not None:
            condition = same.model_copy(update={_PLURAL[dimension]: (*getattr(same, _PLURAL[dimension]), *getattr(condition, _PLURAL[dimension]))})
        merged[key] = condition
    return tuple(merged.values())


def _forward(rule: StageRule, on: list[Route]) -> list[Transition]:
    outcome = "APPROVE" if Outcome.APPROVE in rule.outcomes else "VOTE passed" if Outcome.VOTE in rule.outcomes else None
    if outcome is None:
        return []
    targets: dict[Stage, list[Route]] = {}
    for route in on:
        targets.setdefault(next_stage(route.stages, rule.stage), []).append(route)
    return [Transition(outcome=outcome, to=to, when=conditions(group, on)) for to, group in targets.items()]


# The President sends back only an ordinance, within the rulebook's window (workflows.rules.check_reconsideration), and
# refers to the Assembly only an ordinance he still disagrees with (check_referral).
_ORDINANCES = (Condition(law_kinds=(LawKind.ORDINANCE,)),)
_SENT_BACK = {Stage.PROMULGATION: _ORDINANCES}


def transitions(rule: StageRule, on: list[Route]) -> tuple[Transition, ...]:
    found = _forward(rule, on)
    stays = [name for name, outcome in (("VOTE failed", Outcome.VOTE), ("CARRY_OVER", Outcome.CARRY_OVER)) if outcome in rule.outcomes]
    if stays:
        found.append(Transition(outcome=", ".join(stays), to=rule.stage))
    if Outcome.RETURN_FOR_REVISION in rule.outcomes:
        when = _SENT_BACK.get(rule.stage, ())
        found += [Transition(outcome="RETURN_FOR_REVISION", to=to, when=when, default=i == 0) for i, to in enumerate(rule.return_to)]
    if rule.refer_to is not None:
        found.append(Transition(outcome="REFER_TO_ASSEMBLY", to=rule.refer_to, when=_ORDINANCES))
    if Outcome.REJECT in rule.outcomes:
        found.append(Transition(outcome="REJECT", to=Stage.REJECTED))
    return tuple(found)


def limit_row(name: str, limit: TimeLimit) -> Limit:
    return Limit(name=name, days=limit.days, counting=limit.counting.value, anchor=limit.anchor.value, rest_day=limit.on_rest_day,
                 law_kinds=limit.law_kinds, procedures=limit.procedures, source=limit.source, url=limit.url, unverified=limit.unverified)


def _row(book: Rulebook, rule: StageRule, every: list[Route]) -> StageRow:
    on = [r for r in every if rule.stage in r.stages]
    limits = [limit_row(name, limit) for name, limit in (("time limit", rule.time_limit), ("meeting cut-off", rule.meeting_cutoff)) if limit]
    return StageRow(
        stage=rule.stage, name_vi=rule.name_vi,
        # Only the procedures the process version knows: the first editions' path conditions name three sessions under
        # LAW_2025 too, which refuses them (`procedures_for`).
        on_path=Condition(law_kinds=rule.path_condition.law_kinds,
                          procedures=tuple(p for p in rule.path_condition.procedures if p in procedures_for(book.process_version))),
        referred_from=tuple(r.stage for r in book.stages if r.refer_to is rule.stage),
        skipped_on=tuple(t.track for t in book.tracks if rule.stage in t.skips),
        kept_on=tuple(f"{kinds_words(kept.law_kinds)} on the {t.track.value} track" for t in book.tracks for kept in t.kept_for
                      if kept.stage is rule.stage),
        transitions=transitions(rule, on), deciders=rule.deciders, required_documents=tuple(d.value for d in rule.required_documents),
        renewed_documents=tuple(d.value for d in rule.renewed_documents),
        limits=tuple(limits), postponement_authority=rule.postponement_authority, escalation_ladder=rule.escalation_ladder,
        source=rule.source, url=rule.url,
        unverified=rule.unverified,
    )


def verification(book: Rulebook) -> Unverified:
    parts = list(citations.flags(book))
    numbers = [part for _, part in parts if citations.is_number(part)]
    where = citations.unverified(book)
    return Unverified(count=len(where), of=len(parts), numbers_unverified=sum(1 for n in numbers if n.unverified), numbers=len(numbers),
                      where=where, uncited=citations.uncited(book))


def stage_table(book: Rulebook) -> StageTable:
    every = routes(book)
    on_some_path = {stage for route in every for stage in route.stages}
    return StageTable(
        process_version=book.process_version.value, version=book.version, digest=book.digest, source=book.source, url=book.url,
        stages=tuple(_row(book, rule, every) for rule in book.stages if rule.stage in on_some_path),
        withdrawal=book.withdrawal, filing=book.filing, filed_with_decisions=book.filed_with_decisions, tracks=book.tracks, consultation=book.consultation,
        ordinance_reconsideration=limit_row("ordinance reconsideration", book.ordinance_reconsideration) if book.ordinance_reconsideration else None,
        follow_up=book.follow_up, citations=book.citations, unverified=verification(book),
    )


def words(when: tuple[Condition, ...]) -> str:
    """Conditions as a person reads them: "laws, TWO_SESSIONS", "ordinances", "SPECIAL track"; empty for every path."""
    said = []
    for condition in when:
        parts = [kinds_words(condition.law_kinds)]
        parts.append(" or ".join(p.value for p in condition.procedures))
        parts.append(" or ".join(t.value for t in condition.tracks) + " track" if condition.tracks else "")
        said.append(", ".join(part for part in parts if part))
    return " or ".join(f"({s})" for s in said) if len(said) > 1 else "".join(said)


def kinds_words(law_kinds: tuple[LawKind, ...]) -> str:
    kinds = set(law_kinds)
    return ("laws" if kinds == {LawKind.NEW_LAW, LawKind.AMENDING_LAW} else "ordinances" if kinds == {LawKind.ORDINANCE}
            else " or ".join(k.value for k in law_kinds))


def mermaid(table: StageTable, starts: dict[Stage, tuple[Condition, ...]]) -> str:
    """The table as a Mermaid state diagram: forward moves, returns for revision, and the three final states."""
    lines = ["stateDiagram-v2"]
    lines += [f"    {row.stage.value} : {row.name_vi}" for row in table.stages]
    lines.append('    state "any stage before passage" as ANY_STAGE')
    for first, when in starts.items():
        lines.append(f"    [*] --> {first.value}" + (f" : {words(when)}" if when else ""))
    for row in table.stages:
        for move in row.transitions:
            lines.append(f"    {row.stage.value} --> {move.to.value} : {move.outcome}" + (f" ({words(move.when)})" if move.when else ""))
    withdrawers = ", ".join(f"{d.actor.value} {'/'.join(r.value for r in d.roles)}" for d in table.withdrawal)
    lines.append(f"    ANY_STAGE --> {Stage.WITHDRAWN.value} : WITHDRAW by {withdrawers}")
    lines += [f"    {final.value} --> [*]" for final in (Stage.PROMULGATED, Stage.REJECTED, Stage.WITHDRAWN)]
    return "\n".join(lines) + "\n"


def starts(book: Rulebook) -> dict[Stage, tuple[Condition, ...]]:
    """Where drafts begin, on which paths."""
    every = routes(book)
    first: dict[Stage, list[Route]] = {}
    for route in every:
        first.setdefault(route.stages[0], []).append(route)
    return {stage: conditions(group, every) for stage, group in first.items()}
