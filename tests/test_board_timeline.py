"""The board's timeline of a draft: each event named in the page's language with its code, dated by its Ha Noi day (or
the day it happened), judged on time or late by that day, what became of a postponement, why (the reasons given), and
its words kept apart."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from schemas.enums import EventKind, Outcome, ProcessVersion, Stage
from schemas.records import RegistryRow
from schemas.views import DossierVersion, HistoryEntry
from web.event_names import EVENT_NAMES
from web.render import environment, translations


def _timeline(language: str, entries: list[HistoryEntry], today: date, *, versions: list[DossierVersion] | None = None) -> str:
    """The draft page of a test draft T-1 with these events, rendered in `language`."""
    at = entries[0].at
    row = RegistryRow(submission_id="T-1", workflow_id="draft-law-T-1", title="Luật thử", lead_ministry="BGDDT",
                      process_version=ProcessVersion.LAW_2025, target_session="16-2", stage=Stage.APPRAISAL, stage_since=at, stage_deadline=None,
                      responsible="MOJ", classified=False)
    return environment(language).get_template("draft.html").render(
        request=None, path="/board/drafts/T-1", row=row, entries=entries, versions=versions or [], today=today, temporal_link=None,
        who=None, csrftoken=lambda: "")


@pytest.mark.parametrize(("language", "asked", "approved", "refused"), [
    ("vi", "Xin lùi thời hạn đến", "Được lùi thời hạn đến", "Không chấp thuận lùi thời hạn"),
    ("en", "Postponement asked to", "Postponement approved to", "Postponement refused"),
])
def test_the_timeline_says_what_became_of_each_postponement(language, asked, approved, refused):
    at, moved = datetime(2027, 3, 1, 3, tzinfo=UTC), date(2027, 4, 15)
    entries = [HistoryEntry(seq=seq, at=at, event=event, stage=Stage.APPRAISAL, requested_deadline=moved, approved=verdict)
               for seq, (event, verdict) in enumerate(((EventKind.POSTPONEMENT_REQUESTED, None), (EventKind.POSTPONEMENT_DECIDED, True),
                                                       (EventKind.POSTPONEMENT_REQUESTED, None), (EventKind.POSTPONEMENT_DECIDED, False)), 1)]
    shown = _timeline(language, entries, date(2027, 3, 2))
    items = re.findall(r"<li>(.*?)</li>", shown, re.S)
    assert [asked in item for item in items] == [True, False, True, False]
    assert [approved in item for item in items] == [False, True, False, False]
    assert [refused in item for item in items] == [False, False, False, True]


@pytest.mark.parametrize(("language", "day", "before"), [("vi", "02/12/2026", "01/12/2026"), ("en", "Dec 2, 2026", "Dec 1, 2026")])
def test_the_timeline_dates_an_event_by_its_ha_noi_day(language, day, before):
    """An event recorded at 06:10 in Ha Noi on 2 December is 23:10 UTC on 1 December, as PostgreSQL gives it back."""
    at = datetime(2026, 12, 1, 23, 10, tzinfo=UTC)
    entries = [HistoryEntry(seq=1, at=at, event=EventKind.SUBMITTED, stage=Stage.APPRAISAL),
               HistoryEntry(seq=2, at=at, occurred_on=date(2026, 12, 1), event=EventKind.DECISION, stage=Stage.APPRAISAL)]
    shown = _timeline(language, entries, date(2026, 12, 2))
    days = [html.unescape(d) for d in re.findall(r"<li>\s*<strong>(.*?)</strong>", shown, re.S)]
    assert days == [day, before]  # the second was entered afterwards, with the day it happened


@pytest.mark.parametrize(("language", "filed"), [("vi", "01/12/2026"), ("en", "Dec 1, 2026")])
def test_the_timeline_judges_a_step_by_the_day_it_happened(language, filed):
    """A step entered afterwards is on time by the day it happened; one recorded at 06:10 in Ha Noi on 2 December (1
    December in UTC) is late for a deadline of 1 December. A dossier version is dated by its filing's day."""
    at = datetime(2026, 12, 1, 23, 10, tzinfo=UTC)
    due = date(2026, 12, 1)
    entries = [HistoryEntry(seq=2, at=at + timedelta(days=30), occurred_on=due, event=EventKind.DECISION, stage=Stage.DRAFTING, deadline=due),
               HistoryEntry(seq=3, at=at, event=EventKind.DECISION, stage=Stage.APPRAISAL, deadline=due)]
    versions = [DossierVersion(number=1, seq=2, at=at + timedelta(days=30), occurred_on=due, documents=())]
    shown = html.unescape(_timeline(language, entries, date(2027, 1, 2), versions=versions))
    items = re.findall(r"<li>(.*?)</li>", shown, re.S)
    assert [re.findall(r'class="(ontime|late)"', item) for item in items] == [["ontime"], ["late"]]
    assert f"1 · {filed}</summary>" in shown


@pytest.mark.parametrize(("language", "imported", "why"), [("vi", "nhập cùng hồ sơ", "Lý do"), ("en", "entered with the draft", "Reasons")])
def test_the_timeline_says_why_and_keeps_its_words_apart(language, imported, why):
    """Found by a National Assembly Office official's trial: the reasons of a decision were on no page ("who did what and
    why" could not be printed), and an outcome ran into the next words, "(APPROVE)entered with the draft"."""
    at = datetime(2026, 12, 1, 3, tzinfo=UTC)
    entries = [HistoryEntry(seq=2, at=at, occurred_on=date(2026, 11, 20), event=EventKind.DECISION, stage=Stage.APPRAISAL,
                            to_stage=Stage.DRAFTING, outcome=Outcome.RETURN_FOR_REVISION, imported=True, deadline=date(2026, 11, 30),
                            reasons="Chưa đủ điều kiện trình.\nBổ sung báo cáo đánh giá tác động.")]
    shown = html.unescape(_timeline(language, entries, date(2026, 12, 2)))
    item = re.sub(r"<[^>]+>", "", re.findall(r"<li>(.*?)</li>", shown, re.S)[0])
    assert f"(RETURN_FOR_REVISION) {imported}" in " ".join(item.split()), item
    assert re.search(r"\S (đúng hạn|on time) ", " ".join(item.split())), item
    assert f"{why}: Chưa đủ điều kiện trình.\nBổ sung báo cáo đánh giá tác động." in item, item


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_timeline_names_every_kind_of_event_in_its_language(language):
    """Found by a helper: the Vietnamese board's timeline showed each event by its code. Every kind of event now has a
    name in the page's language, its code beside it, and the draft's own note after it."""
    at = datetime(2027, 3, 1, 3, tzinfo=UTC)
    entries = [HistoryEntry(seq=seq, at=at, event=kind, stage=Stage.APPRAISAL, label="a note") for seq, kind in enumerate(EventKind, 1)]
    shown = _timeline(language, entries, date(2027, 3, 2))
    items = re.findall(r"<li>(.*?)</li>", shown, re.S)
    assert len(items) == len(EventKind)
    catalogue = translations("vi")
    for kind, item in zip(EventKind, items, strict=True):
        name = html.unescape(re.search(r"</strong> · (.*?) <span class=\"vi\">\((\w+)\)</span>", item).group(1))
        assert re.search(rf"\({kind.value}\)", item) and name != kind.value and not name.isupper(), item
        assert (catalogue.gettext(EVENT_NAMES[kind]) == name) if language == "vi" else name == EVENT_NAMES[kind]
        assert '<span class="vi">a note</span>' in item, item
    assert len({catalogue.gettext(name) for name in EVENT_NAMES.values()} - set(EVENT_NAMES.values())) == len(EventKind)


@pytest.mark.parametrize(("language", "point", "ruling"), [("vi", "Nội dung vấn đề", "Ý kiến quyết định"), ("en", "The point", "Ruling")])
def test_the_timeline_heads_a_points_summary_and_its_ruling_as_such(language, point, ruling):
    """Found by a Government Office official's trial: a point of disagreement's summary and the ruling on it were both
    headed "Reasons", and so were an opinion's comment numbers ("Reasons: C1; C2")."""
    at = datetime(2027, 3, 1, 3, tzinfo=UTC)
    entries = [HistoryEntry(seq=seq, at=at, event=kind, stage=Stage.GOVERNMENT_REVIEW, reasons=text) for seq, (kind, text) in enumerate(
        ((EventKind.DISAGREEMENT_RAISED, "Thẩm quyền cấp phép"), (EventKind.DISAGREEMENT_ESCALATED, "Xin ý kiến Thủ tướng"),
         (EventKind.DISAGREEMENT_RULED, "Giao Bộ GD&ĐT chủ trì"), (EventKind.OPINION_RECEIVED, "C1; C2")), 1)]
    items = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", html.unescape(_timeline(language, entries, at.date())), re.S)]
    why = "Lý do" if language == "vi" else "Reasons"
    numbered = "Ý kiến theo số" if language == "vi" else "Its comments, by number"
    assert [f"{point}: Thẩm quyền cấp phép" in items[0], f"{why}: Xin ý kiến Thủ tướng" in items[1], f"{ruling}: Giao Bộ GD&ĐT chủ trì" in items[2],
            f"{numbered}: C1; C2" in items[3]] == [True, True, True, True], items
