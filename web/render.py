"""Rendering pages: Jinja2 templates translated with Babel (Vietnamese by default, English on the switch).

Messages are written in English in the templates and code; `locales/vi/LC_MESSAGES/legis.po` gives their Vietnamese.
The catalogue is read (and compiled in memory) once per process. The chosen language is a cookie, never a part of
the page's address, so every link works in both.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from api.permissions import reads_reports
from schemas.enums import BODY_CODES, Actor, ConsultationKind, DocumentKind, EscalationLevel, EventKind, ProgrammeTrack, SessionProcedure, Stage
from schemas.redaction import tokens_redacted
from schemas.time import VIETNAM, in_hanoi
from web.actor_names import actor_name, outcome_name, role_name
from web.event_names import DOCUMENT_NAMES, EVENT_NAMES, LEVEL_NAMES, PROCEDURE_NAMES, ROUND_NAMES, TRACK_NAMES
from web.marks import FINAL_NAMES, stage_name_vi

LANGUAGES = ("vi", "en")
LANGUAGE_COOKIE = "legis_lang"
LANGUAGE_COOKIE_DAYS = 365


@cache
def translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    source = resources.files("web").joinpath("locales", language, "LC_MESSAGES", "legis.po").read_bytes()
    compiled = io.BytesIO()
    write_mo(compiled, read_po(io.BytesIO(source), locale=language))
    compiled.seek(0)
    return Translations(compiled, domain="legis")


# The day's form by page language, where it is not babel's medium one.
DAY_FORMS = {"vi": "dd/MM/yyyy"}


@cache
def environment(language: str) -> Environment:
    env = Environment(loader=PackageLoader("web", "templates"), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    # Vietnamese officials write a day as 05/04/2027 (babel's medium form, "5 thg 4, 2027", read to a Government Office's
    # trial as no form of theirs); English keeps "Apr 5, 2027".
    day_form = DAY_FORMS.get(language, "medium")
    # An instant's day is its Ha Noi date: PostgreSQL gives instants in UTC, whose date is the day before until 07:00.
    env.filters["hanoi_date"] = lambda d: in_hanoi(d).date() if isinstance(d, datetime) else d
    env.filters["day"] = lambda d: "" if d is None else format_date(env.filters["hanoi_date"](d), format=day_form, locale=language)
    # The day first, then the time, in every language (Vietnamese's own medium form puts the time first: "01:34:12 6 thg
    # 12, 2026" read to a trial as a time without its day).
    env.filters["instant"] = lambda t: "" if t is None else (
        f"{format_date(t.astimezone(VIETNAM).date(), format=day_form, locale=language)}, "
        f"{format_time(t.astimezone(VIETNAM), 'HH:mm:ss', tzinfo=VIETNAM, locale=language)}")
    # A window closes at the midnight that ends its last day: the public is told that day, not a midnight it may read as the next.
    env.filters["last_day"] = lambda t: "" if t is None else format_date((in_hanoi(t) - timedelta(microseconds=1)).date(), format=day_form,
                                                                         locale=language)
    # A session's phases, each its first and last sitting day (the inbox's vote form says which days it takes).
    env.filters["phases"] = lambda phases: ", ".join(f"{env.filters['day'](p.starts_on)} – {env.filters['day'](p.ends_on)}" for p in phases)
    env.filters["number"] = lambda n: format_decimal(n, locale=language)
    # A share with one decimal in the page's language ("83,3 %" in Vietnamese; found by a Government Office's trial: "83.3 %").
    env.filters["percent"] = lambda share: format_percent(share, format="#,##0.0 %", locale=language)
    env.globals["language"] = language
    env.globals["reads_reports"] = reads_reports
    env.globals["note_of"] = lambda event, label: note_of(EventKind(event), label, language, env.filters["day"])
    # A body named by its actor (the registry's `responsible` for a deciding body) under its agency code, as the rest of a page
    # names it (found by a re-check: "Bộ Tư pháp (MOJ)" beside "Bộ Tư pháp (BTP)").
    env.globals["agency_of"] = lambda code: BODY_CODES.get(Actor(code), code) if code in Actor.__members__ else code
    env.globals["stage_name"] = lambda version, stage: stage_name_vi(version, stage) or translations(language).gettext(FINAL_NAMES[Stage(stage)])
    env.globals["event_name"] = lambda kind: translations(language).gettext(EVENT_NAMES[EventKind(kind)])
    env.globals["document_name"] = lambda kind: translations(language).gettext(DOCUMENT_NAMES[DocumentKind(kind)])
    env.globals["round_name"] = lambda kind: translations(language).gettext(ROUND_NAMES[ConsultationKind(kind)])
    env.globals["actor_name"] = lambda code: actor_name(code, translations(language))
    env.globals["role_name"] = lambda code: role_name(code, translations(language))
    env.globals["outcome_name"] = lambda code, stage=None: outcome_name(code, translations(language), stage)
    env.globals["level_name"] = lambda level: translations(language).gettext(LEVEL_NAMES[EscalationLevel(level)])
    return env


# The draft's own notes on its alarms (`workflows.follow_up`), on an approved date's conflict with its sitting
# (`Change.raise_conflict`) and on the session it aims at (`Change.slip`, `calendar_changes`), said in the page's language (found by a re-check: English under each alarm of a Vietnamese
# timeline; by a Government Office's trial: the conflict it must resolve, in English in its Vietnamese inbox); any other
# note as the draft wrote it.
_DAY = r"\d{4}-\d\d-\d\d"
_NOTES = {
    EventKind.WARNING: (
        (re.compile(r"(?P<n>\d+)% of the window elapsed"), "%(n)s%% of the time allowed has elapsed"),
        (re.compile(r"(?P<n>\d+) days before the deadline"), "%(n)s days before the deadline"),
    ),
    EventKind.DEADLINE_PASSED: ((re.compile(rf"deadline (?P<day>{_DAY}) passed"), "the deadline, %(day)s, has passed"),),
    # (found by a re-check: these stood in English on the Vietnamese timeline)
    EventKind.AGENCY_REMAPPED: (
        (re.compile(r"lead ministry (?P<old_agency>\S+) is now (?P<new_agency>\S+)"), "lead ministry %(old_agency)s is now %(new_agency)s"),
        (re.compile(r"examining committee (?P<old_agency>\S+) is now (?P<new_agency>\S+)"),
         "examining committee %(old_agency)s is now %(new_agency)s"),
    ),
    EventKind.DISAGREEMENT_RAISED: ((re.compile(r"point (?P<point>\S+): (?P<parties>.+) disagree; to (?P<to>[A-Z_]+)"),
                                     "point %(point)s: %(parties)s disagree; to %(to)s"),),
    EventKind.DISAGREEMENT_ESCALATED: ((re.compile(r"point (?P<point>\S+): escalated to (?P<to>[A-Z_]+)"), "point %(point)s: escalated to %(to)s"),),
    EventKind.DISAGREEMENT_RULED: ((re.compile(r"point (?P<point>\S+): ruled by (?P<by>[A-Z_]+)"), "point %(point)s: ruled by %(by)s"),),
    EventKind.ESCALATION: ((re.compile(r"escalated to (?P<level>[A-Z_]+)"), "escalated to %(level)s"),),
    EventKind.POSTPONEMENT_CONFLICT: (
        (re.compile(rf"the approved date (?P<approved>{_DAY}) is after the cut-off (?P<cutoff>{_DAY}) for (?P<sitting>.+); "
                    r"(?P<office>the Government Office|the National Assembly Office) resolves it with (?P<by>[A-Z_]+)"),
         "the approved date %(approved)s is after the cut-off %(cutoff)s for %(sitting)s; the %(office)s resolves it with the %(by)s"),
    ),
    # A round lost, raised to the Government Office as the conflict is (found by a breaker: English in its inbox).
    EventKind.CONSULTATION_LOST: (
        (re.compile(r"round (?P<round>\S+) ended (?P<how>\w+) without handing back its result; the stage is no longer held by it; "
                    r"for the Government Office"),
         "round %(round)s ended (%(how)s) without handing back its result; the stage is no longer held by it; for the Government Office"),
    ),
    # A round's life, as the lead ministry and the offices follow it (found by a public trial: in English on the Vietnamese page).
    EventKind.CONSULTATION_OPENED: (
        (re.compile(rf"round (?P<round>\S+): (?P<kind>[A-Z_]+) to the public until (?P<until>{_DAY})"),
         "round %(round)s: %(kind)s to the public until %(until)s"),
        (re.compile(rf"round (?P<round>\S+): (?P<kind>[A-Z_]+) to (?P<asked>(?P<n>\d+) consultees?) until (?P<until>{_DAY})"),
         "round %(round)s: %(kind)s to %(asked)s until %(until)s"),
    ),
    # Each count captured with its words (`asked`, `comments`...), as the draft wrote them in English, and alone (`n`...).
    EventKind.OPINION_RECEIVED: ((re.compile(r"round (?P<round>\S+): (?P<agency>\S+), (?P<comments>(?P<n>\d+) comments?)"),
                                  "round %(round)s: %(agency)s, %(comments)s"),),
    EventKind.CONSULTEE_SILENT: ((re.compile(rf"round (?P<round>\S+): (?P<agency>\S+) did not answer by (?P<day>{_DAY})"),
                                  "round %(round)s: %(agency)s did not answer by %(day)s"),),
    EventKind.CONSULTATION_COMPILED: (
        (re.compile(r"round (?P<round>\S+): (?P<opinions>(?P<n>\d+) opinions?), (?P<silent>\d+) silent; (?P<comments>(?P<accepted>\d+) "
                    r"comments?) accepted, (?P<explained>\d+) explained"),
         "round %(round)s: %(opinions)s, %(silent)s silent; %(comments)s accepted, %(explained)s explained"),
    ),
    EventKind.CONSULTATION_CANCELLED: (
        (re.compile(r"round (?P<round>\S+) \((?P<kind>[A-Z_]+)\) cancelled by (?P<agency>\S+): it asks nobody's opinion any more and the "
                    r"stage is no longer held by it"),
         "round %(round)s (%(kind)s) cancelled by %(agency)s: it asks nobody's opinion any more and the stage is no longer held by it"),
        (re.compile(r"round (?P<round>\S+) \((?P<kind>[A-Z_]+)\) cancelled: the draft is (?P<stage>[A-Z_]+) and asks nobody's opinion any more"),
         "round %(round)s (%(kind)s) cancelled: the draft is %(stage)s and asks nobody's opinion any more"),
    ),
    # An approved date that lapses with a return for revision (found by a lead ministry's trial: what to do, in English).
    EventKind.DECISION: (
        (re.compile(rf"the date (?P<approved>{_DAY}) approved by (?P<by>[A-Z_]+) lapses with the stage; ask it again if the draft needs "
                    r"it when it is back here"),
         "the date %(approved)s approved by the %(by)s lapses with the stage; ask it again if the draft needs it when it is back here"),
        (re.compile(rf"carried over to session (?P<session>\S+) \(opens (?P<opens>{_DAY})\)"),
         "carried over to session %(session)s (opens on %(opens)s)"),
        (re.compile(rf"carried over to session (?P<session>\S+) \(opens (?P<opens>{_DAY})\) \(the request said (?P<asked>{_DAY})\)"),
         "carried over to session %(session)s (opens on %(opens)s) (the request said %(asked)s)"),
    ),
    EventKind.MEETING_SCHEDULED: (
        (re.compile(rf"Standing Committee meeting before session (?P<session>\S+): (?P<meeting>\S+) on (?P<on>{_DAY})"),
         "Standing Committee meeting before session %(session)s: %(meeting)s on %(on)s"),
        (re.compile(r"Standing Committee meeting before session (?P<session>\S+): none announced"),
         "Standing Committee meeting before session %(session)s: none announced"),
    ),
    # The sessions a draft aims at, the notes the National Assembly Office reads most (found by its trial and a new user's).
    EventKind.SESSION_SLIPPED: (
        (re.compile(rf"slipped from session (?P<missed>\S+) \(opens (?P<missed_on>{_DAY})\) to (?P<following>\S+) \(opens (?P<opens>{_DAY})\)"),
         "slipped from session %(missed)s (opens %(missed_on)s) to session %(following)s (opens %(opens)s)"),
        (re.compile(rf"slipped from session (?P<missed>\S+) \(opens (?P<missed_on>{_DAY})\) to (?P<following>\S+) \(opens (?P<opens>{_DAY})\): "
                    r"it opened with the draft at (?P<stage>[A-Z_]+)"),
         "slipped from session %(missed)s (opens %(missed_on)s) to session %(following)s (opens %(opens)s): it opened with the draft at "
         "%(stage)s"),
        (re.compile(rf"slipped from session (?P<missed>\S+) \(opens (?P<missed_on>{_DAY})\) to (?P<following>\S+) \(opens (?P<opens>{_DAY})\): "
                    rf"it opened with the draft at (?P<stage>[A-Z_]+); the date (?P<approved>{_DAY}) approved by (?P<by>[A-Z_]+) lapses with it"),
         "slipped from session %(missed)s (opens %(missed_on)s) to session %(following)s (opens %(opens)s): it opened with the draft at "
         "%(stage)s; the date %(approved)s approved by the %(by)s lapses with it"),
    ),
    # The session a draft aims at from its first day, where the request gave another opening day (found by a new user's trial).
    EventKind.SUBMITTED: (
        (re.compile(rf"aimed at session (?P<session>\S+), which opens on (?P<opens>{_DAY}) as announced \(the request said (?P<asked>{_DAY})\)"),
         "aimed at session %(session)s, which opens on %(opens)s as announced (the request said %(asked)s)"),
    ),
    EventKind.SESSION_RESCHEDULED: (
        (re.compile(rf"session (?P<session>\S+) now opens (?P<opens>{_DAY}) \(was (?P<was>{_DAY})\)"),
         "session %(session)s now opens on %(opens)s (was %(was)s)"),
        (re.compile(rf"aimed at session (?P<session>\S+) \(opens (?P<opens>{_DAY})\), the next after (?P<held>\S+)"),
         "aimed at session %(session)s (opens on %(opens)s), the next after session %(held)s"),
        (re.compile(rf"aimed at session (?P<session>\S+) \(opens (?P<opens>{_DAY})\) again, not (?P<slipped>\S+): the decision entered "
                    rf"afterwards, dated (?P<decided>{_DAY}), met the deadline (?P<deadline>{_DAY}) whose passing slipped it"),
         "aimed at session %(session)s (opens on %(opens)s) again, not session %(slipped)s: the decision entered afterwards, dated "
         "%(decided)s, met the deadline %(deadline)s whose passing slipped it"),
        (re.compile(rf"aimed at session (?P<session>\S+) \(opens (?P<opens>{_DAY})\) again, not (?P<slipped>\S+): the decision entered "
                    rf"afterwards, dated (?P<decided>{_DAY}), met the cut-off (?P<cutoff>{_DAY}) counted as the session now opens \(the "
                    rf"deadline (?P<deadline>{_DAY}) slipped it\)"),
         "aimed at session %(session)s (opens on %(opens)s) again, not session %(slipped)s: the decision entered afterwards, dated "
         "%(decided)s, met the cut-off %(cutoff)s counted as the session now opens (the deadline %(deadline)s slipped it)"),
    ),
}
# What a session's or a meeting's move adds when it ends an approved date's conflict (`calendar_changes._conflict_ended`,
# as the eighteenth to twenty-fourth generations and the twenty-fifth on say it): the one note telling an office why the
# draft left its inbox (found by a Government Office's trial: in English on its Vietnamese page).
_OFFICE = r"(?P<office>the Government Office|the National Assembly Office)"
_CONFLICT_ENDED = (
    (re.compile(rf"the approved date (?P<approved>{_DAY}) falls within the cut-off now counted, (?P<cutoff>{_DAY}) \(was (?P<was>{_DAY}), "
                rf"for (?P<sitting>.+)\): the conflict raised to {_OFFICE} has ended"),
     "the approved date %(approved)s falls within the cut-off now counted, %(cutoff)s (was %(was)s, for %(sitting)s): the conflict "
     "raised to the %(office)s has ended"),
    (re.compile(rf"the approved date (?P<approved>{_DAY}) no longer falls after a cut-off: (?P<sitting>.+), whose cut-off was (?P<was>{_DAY}), "
                rf"counts no more, and no Standing Committee meeting is announced before session (?P<session>\S+): the conflict raised to "
                rf"{_OFFICE} has ended"),
     "the approved date %(approved)s no longer falls after a cut-off: %(sitting)s, whose cut-off was %(was)s, counts no more, and no "
     "Standing Committee meeting is announced before session %(session)s: the conflict raised to the %(office)s has ended"),
    (re.compile(rf"the cut-off now counted, (?P<cutoff>{_DAY}) \(was (?P<was>{_DAY}), for (?P<sitting>.+)\), has passed: no approved date "
                rf"can meet it: the conflict raised to {_OFFICE} has ended; the draft slips if the approved date (?P<approved>{_DAY}) passes too"),
     "the cut-off now counted, %(cutoff)s (was %(was)s, for %(sitting)s), has passed: no approved date can meet it: the conflict raised "
     "to the %(office)s has ended; the draft slips if the approved date %(approved)s passes too"),
    (re.compile(rf"the cut-off now counted, (?P<cutoff>{_DAY}) \(was (?P<was>{_DAY}), for (?P<sitting>.+)\), has passed: no approved date "
                rf"can meet it: the conflict raised to {_OFFICE} has ended; the draft slips when session (?P<session>\S+) opens on "
                rf"(?P<opens>{_DAY}), before the approved date (?P<approved>{_DAY})"),
     "the cut-off now counted, %(cutoff)s (was %(was)s, for %(sitting)s), has passed: no approved date can meet it: the conflict raised "
     "to the %(office)s has ended; the draft slips when session %(session)s opens on %(opens)s, before the approved date %(approved)s"),
    (re.compile(rf"the approved date (?P<approved>{_DAY}) no longer falls after the cut-off for (?P<sitting>.+), now (?P<cutoff>{_DAY}): "
                rf"the conflict raised to {_OFFICE} has ended"),
     "the approved date %(approved)s no longer falls after the cut-off for %(sitting)s, now %(cutoff)s: the conflict raised to the "
     "%(office)s has ended"),
)
# Notes the draft writes as parts joined by "; ", after a prefix ("calendar changed: "), each part said in the page's
# language by its own pattern (found by a National Assembly Office's trial and a re-check: a deferral's session, a cut-off
# a calendar change or rest days recounted, in English).
_PREFIXES = {EventKind.DEADLINE_RECOUNTED: ("calendar changed", "rest days announced")}


def _now_was(what: str, now: tuple[str, str], was: tuple[str, str]) -> tuple[tuple[re.Pattern, str], ...]:
    """The patterns of "<what> is now <now> (was <was>)", either of them "none" (a cut-off or meeting gone, or first there)."""
    return tuple((re.compile(rf"{what} is now {n} \(was {w}\)"), f"{what} is now {n_said} (was {w_said})")
                 for n, n_said in (now, ("none", "none")) for w, w_said in (was, ("none", "none")) if (n, w) != ("none", "none"))
_AIMED = tuple((re.compile(rf"aimed at session (?P<session>\S+) \(opens (?P<opens>{_DAY})\){asked}"),
                f"aimed at session %(session)s (opens on %(opens)s){said}") for asked, said in (("", ""), (rf" \(the request said (?P<asked>{_DAY})\)", " (the request said %(asked)s)")))
_PARTS = {
    EventKind.PROGRAMME_CHANGED: (
        # (found by an inspector's audit: the notes of these four kinds of change stood in English on the Vietnamese board)
        (re.compile("withdrawn from the programme"), "withdrawn from the programme"),
        (re.compile("added to the programme"), "added to the programme"),
        (re.compile(r"moved to the (?P<track>[A-Z_]+) procedure"), "moved to the %(track)s procedure"),
        (re.compile(r"(?P<was_procedure>[A-Z_]+) -> (?P<procedure>[A-Z_]+)"), "%(was_procedure)s -> %(procedure)s"),
        (re.compile("deferred"), "deferred"),
        (re.compile("brought to an extraordinary session"), "brought to an extraordinary session"),
        (re.compile(rf"the date (?P<approved>{_DAY}) approved by (?P<by>[A-Z_]+) lapses with the programme change"),
         "the date %(approved)s approved by the %(by)s lapses with the programme change"),
        *_AIMED,
    ),
    EventKind.DEADLINE_RECOUNTED: (
        *_now_was("the cut-off ahead", (rf"(?P<cutoff>{_DAY}) for (?P<stage>[A-Z_]+) \(sitting (?P<sitting>\S+)\)",
                                        "%(cutoff)s for %(stage)s (sitting %(sitting)s)"),
                  (rf"(?P<was>{_DAY}) for (?P<was_stage>[A-Z_]+) \(sitting (?P<was_sitting>\S+)\)",
                   "%(was)s for %(was_stage)s (sitting %(was_sitting)s)")),
        *_now_was("the Standing Committee meeting it comes before", (r"(?P<meeting>\S+)", "%(meeting)s"),
                  (r"(?P<was_meeting>\S+)", "%(was_meeting)s")),
        *_now_was("the Standing Committee meeting that adopts the ordinance",
                  (rf"(?P<meeting>\S+) on (?P<meets_on>{_DAY})", "%(meeting)s on %(meets_on)s"),
                  (rf"(?P<was_meeting>\S+) on (?P<was_meets_on>{_DAY})", "%(was_meeting)s on %(was_meets_on)s")),
        (re.compile(rf"the deadline is now (?P<deadline>{_DAY}) \(was (?P<was>{_DAY})\)"),
         "the deadline is now %(deadline)s (was %(was)s)"),
        (re.compile(rf"the cut-off for (?P<sitting>.+) is now (?P<cutoff>{_DAY}) \(was (?P<was>{_DAY})\): the approved date "
                    rf"(?P<approved>{_DAY}) no longer falls after it"),
         "the cut-off for %(sitting)s is now %(cutoff)s (was %(was)s): the approved date %(approved)s no longer falls after it"),
    ),
}
_SITTINGS = (
    (re.compile(r"session (?P<session>\S+)"), "session %(session)s"),
    (re.compile(r"Standing Committee meeting (?P<meeting>\S+) before session (?P<session>\S+)"),
     "Standing Committee meeting %(meeting)s before session %(session)s"),
)
_OFFICES = {"the Government Office": "VPCP", "the National Assembly Office": "VPQH"}

# What time raises against a stage's deadline (`draft.tick`).


def _said(patterns, label: str, catalogue: NullTranslations, day) -> str | None:
    """`label` in the catalogue's language, by the first of `patterns` it matches whole; None if it matches none."""
    for pattern, sentence in patterns:
        if (found := pattern.fullmatch(label)) is None:
            continue
        said = found.groupdict()
        for name, value in said.items():
            if re.fullmatch(_DAY, value):
                said[name] = day(date.fromisoformat(value))
        if "level" in said and said["level"] in EscalationLevel.__members__:
            said["level"] = catalogue.gettext(LEVEL_NAMES[EscalationLevel(said["level"])])
        for actor in ("by", "to"):
            if actor in said:
                said[actor] = actor_name(said[actor], catalogue) or said[actor]
        if "office" in said:
            said["office"] = actor_name(_OFFICES[said["office"]], catalogue)
        if "sitting" in said:
            said["sitting"] = _said(_SITTINGS, said["sitting"], catalogue, day) or said["sitting"]
        if type(catalogue) is not NullTranslations:  # another language than the draft's own words: named, the code beside
            said.update({key: named for key, value in said.items() if (named := _named(key, value, catalogue)) is not None})
        return catalogue.gettext(sentence) % said
    return None


def _named(key: str, code: str, catalogue: NullTranslations) -> str | None:
    """A round's kind, a stage, a programme track, a session procedure or a consultee a note names by its code, named in the catalogue's language with the code
    beside it, as the page names them elsewhere (found by a breaker: "PUBLIC_POSTING", "bước WITHDRAWN" on a Vietnamese
    page); None for another key or a code it does not know."""
    if key == "kind" and code in ConsultationKind.__members__:
        return f"{catalogue.gettext(ROUND_NAMES[ConsultationKind(code)])} ({code})"
    if key in ("stage", "was_stage") and code in Stage.__members__:
        return f"{stage_name_vi(None, code) or catalogue.gettext(FINAL_NAMES[Stage(code)])} ({code})"
    if key == "track" and code in ProgrammeTrack.__members__:
        return f"{catalogue.gettext(TRACK_NAMES[ProgrammeTrack(code)])} ({code})"
    if key in ("procedure", "was_procedure") and code in SessionProcedure.__members__:
        return f"{catalogue.gettext(PROCEDURE_NAMES[SessionProcedure(code)])} ({code})"
    if key in ("old_agency", "new_agency"):
        return f"{name} ({code})" if (name := actor_name(code, catalogue)) else None
    if key == "agency":
        return catalogue.gettext("the public") if code == "PUBLIC" else f"{name} ({code})" if (name := actor_name(code, catalogue)) else None
    return None


def note_of(event: EventKind, label: str, language: str, day) -> str:
    """An event's note (`label`) in `language` where `_NOTES` reads it, its days written by `day`; any other as the draft
    wrote it."""
    catalogue, patterns = translations(language), _NOTES.get(event, ())
    if (said := _said(patterns, label, catalogue, day)) is not None:
        return said
    if (composed := _composed(event, label, catalogue, day)) is not None:
        return composed
    for ending in ("; the approved date ", "; the cut-off now counted, "):
        head, found, tail = label.partition(ending)
        if found and (moved := _said(patterns, head, catalogue, day)) and (ended := _said(_CONFLICT_ENDED, found[2:] + tail, catalogue, day)):
            return f"{moved}; {ended}"
    return label


def _composed(event: EventKind, label: str, catalogue: NullTranslations, day) -> str | None:
    """`label` said part by part (`_PARTS`), after its prefix; None unless every part is said."""
    if (patterns := _PARTS.get(event)) is None:
        return None
    head, parts = "", label
    for prefix in _PREFIXES.get(event, ()):
        if label.startswith(f"{prefix}: "):
            head, parts = f"{catalogue.gettext(prefix)}: ", label.removeprefix(f"{prefix}: ")
    said = [_said(patterns, part, catalogue, day) for part in parts.split("; ")]
    return head + "; ".join(part for part in said if part) if all(said) else None


def language_of(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE, "vi")
    return chosen if chosen in LANGUAGES else "vi"


def gettext(request: Request, message: str) -> str:
    return translations(language_of(request)).gettext(message)


# The pages run no script and load nothing but themselves; no other site frames them (their forms decide, sign in and
# comment), and no browser takes them for another type (found by a breaker of the public pages: they said none of it).
PAGE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                "Referrer-Policy": "same-origin",
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
                                           "frame-ancestors 'none'; base-uri 'none'"}


def page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The template rendered in the reader's language; `who` (the signed-in caller, if any) and `public` (a page of the
    public's) are always there."""
    context.setdefault("who", getattr(request.state, "caller", None))
    # A page under /public carries the public pages' header, whatever answers it: a refusal too, the forms' CSRF check's
    # included (found by a fresh-user trial: it carried the board's).
    context.setdefault("public", request.url.path == "/public" or request.url.path.startswith("/public/"))
    # The CSRF token every POST form carries (`web.csrf`); asking for it sets its cookie on this answer.
    context.setdefault("csrftoken", request.scope.get("csrftoken", lambda: ""))
    # The language switch returns to the page with its query (found by a public trial: from the answers' second page to the first).
    here = tokens_redacted(f"{request.url.path}?{request.url.query}" if request.url.query else request.url.path)
    html = environment(language_of(request)).get_template(template).render(request=request, path=tokens_redacted(request.url.path),
                                                                          here=here, **context)
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS | {"Content-Language": language_of(request)})


def noted(request: Request, problems: list[dict[str, Any]]) -> None:
    """Leave a page's refusal (its first problem) where the request's middleware finds it, to log it and write it to
    `access_refusals` as an API refusal is (`api.plumbing.AroundRequest`): the page's HTML is no problem to read."""
    if problems:
        first, endpoint = problems[0], request.scope.get("endpoint")
        # The route's name and draft from here: a middleware between (the forms' CSRF check) may route a copy of the scope.
        request.state.refusal = {"field": first.get("field", ""), "rule": first.get("rule", ""), "detail": first.get("message", ""),
                                 "submission_id": request.path_params.get("submission_id"), "action": getattr(endpoint, "__name__", None)}
