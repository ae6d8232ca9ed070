"""The rulebooks against the law's text (issue 14), without a server: every number and rule names its article and the
URL where it was read, or is marked unverified; each correction of DOMAIN.md's second reading is made, and each test
names the rule and its source. Deadlines are Ha Noi dates, counted on the shipped working calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from schemas import citations
from schemas.calendar import StandingCommitteeMeeting, TargetSession
from schemas.enums import ConsultationKind, Counting, DeadlineAnchor, LawKind, ProcessVersion, SessionProcedure, Stage
from schemas.refusal import Refused
from schemas.rulebook import load_rulebook
from tests.drafts import consultation, core_request, core_state
from workflows import rules
from workflows.deadlines import VIETNAM

V2015, V2025 = ProcessVersion.LAW_2015, ProcessVersion.LAW_2025
LAWS = (LawKind.NEW_LAW, LawKind.AMENDING_LAW)
SESSION_2 = TargetSession(legislature=16, session=2, opens_on=date(2027, 5, 20))
SESSION_3 = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20))
SESSION_4 = TargetSession(legislature=16, session=4, opens_on=date(2028, 5, 22))
MEETING = StandingCommitteeMeeting(code="UBTVQH-12", meets_on=date(2027, 4, 12))
HT64 = "http://www.hethongphapluat.com/luat-ban-hanh-van-ban-quy-pham-phap-luat-2025/dieu-"


def book(version: ProcessVersion):
    return load_rulebook(version)


def deadline_at(stage: Stage, version=V2025, procedure=SessionProcedure.ONE_SESSION, law_kind=LawKind.NEW_LAW, **fields) -> date | None:
    request = core_request(version, procedure, law_kind=law_kind, target=SESSION_2)
    return core_state(request, at=stage, sessions=(SESSION_2, SESSION_3, SESSION_4), meetings=(MEETING,), **fields).deadline


# Every number and rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_every_number_and_rule_names_its_article_and_url_or_is_marked_unverified(version):
    shipped = book(version)
    assert citations.uncited(shipped) == ()
    flagged = dict(citations.flags(shipped))
    assert all(f"stages.{rule.stage.value}" in flagged for rule in shipped.stages)
    for where, part in flagged.items():
        if not part.unverified:
            assert citations.ARTICLE.search(part.source) and part.url.startswith(("http://", "https://")), where


def test_a_number_claimed_verified_without_its_url_or_article_is_found():
    shipped = book(V2025)
    stages = []
    for rule in shipped.stages:
        if rule.stage is Stage.APPRAISAL:
            rule = rule.model_copy(update={"time_limit": rule.time_limit.model_copy(update={"url": None})})
        elif rule.stage is Stage.EXAMINATION:
            rule = rule.model_copy(update={"source": "the law"})
        stages.append(rule)
    edited = shipped.model_copy(update={"stages": tuple(stages), "citations": tuple(c for c in shipped.citations if c.rule != "withdrawal")})
    assert set(citations.uncited(edited)) == {
        "stages.APPRAISAL.time_limit: verified without a URL", "stages.EXAMINATION: verified without an article",
        "citations.withdrawal: not cited"}


def test_law_2025_names_law_87_2025_qh15_which_amends_law_64_2025_qh15():
    """DOMAIN.md correction 3: Law 87/2025/QH15 (25 June 2025, in force 1 July 2025) amends Law 64/2025/QH15."""
    shipped = book(V2025)
    assert "Law 64/2025/QH15 as amended by Law 87/2025/QH15" in shipped.source and "law-no-87-2025-qh15" in shipped.url


@pytest.mark.parametrize("version,where,days,article,url", [
    (V2025, "stages.APPRAISAL.time_limit", 30, "Art. 34(1)", HT64 + "34"),
    (V2025, "stages.GOVERNMENT_DECISION.time_limit", 45, "Art. 37(1) para. 1", HT64 + "37"),
    (V2025, "stages.PROMULGATION.time_limit", 15, "Art. 43(1)", HT64 + "43"),
    (V2025, "ordinance_reconsideration", 10, "Art. 43(1)", HT64 + "43"),
    (V2025, "consultation.WRITTEN_OPINIONS", 15, "Art. 30(1)(a)", HT64 + "30"),
    (V2015, "stages.PROMULGATION.time_limit", 15, "Art. 80", "thuvienphapluat.vn"),
    (V2015, "ordinance_reconsideration", 10, "Art. 80(1)", "thuvienphapluat.vn"),
])
def test_numbers_confirmed_in_the_law_text_carry_article_and_url(version, where, days, article, url):
    """DOMAIN.md, confirmed: appraisal 30 days from a complete dossier (Law 64/2025/QH15 Art. 34(1)), the dossier 45 days
    before the session (Art. 37(1)), promulgation 15 days from passage and the President's 10 days on an ordinance
    (Art. 43(1); Law 80/2015/QH13 Art. 80(1)), written opinions 15 days from the request (Art. 30(1)(a))."""
    part = dict(citations.flags(book(version)))[where]
    assert (part.days, part.unverified) == (days, False) and article in part.source and url in part.url


# The corrections of DOMAIN.md's second reading ----------------------------------------------------------


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_20_days_before_the_standing_committee_meeting_only_for_an_ordinance__law_64_2025_art_37_1_para_2(version):
    """Correction 1: the 20 days before the Standing Committee's meeting bind a draft the Committee adopts, not a law
    going to the Assembly; a law's dossier is due 45 days before the session (Art. 37(1) para. 1). LAW_2015: Law
    80/2015/QH13 Art. 64, not read, so both stay unverified."""
    decision = book(version).rule(Stage.GOVERNMENT_DECISION)
    assert (decision.meeting_cutoff.days, decision.meeting_cutoff.law_kinds) == (20, (LawKind.ORDINANCE,))
    assert (decision.time_limit.days, decision.time_limit.law_kinds) == (45, LAWS)
    assert decision.meeting_cutoff.unverified is (version is V2015) and decision.time_limit.unverified is (version is V2015)
    # 45 days before 20 May 2027 is Monday 5 April; 20 days before the meeting of Monday 12 April is Tuesday 23 March.
    assert deadline_at(Stage.GOVERNMENT_DECISION, version) == date(2027, 4, 5)
    assert deadline_at(Stage.GOVERNMENT_DECISION, version, law_kind=LawKind.ORDINANCE) == date(2027, 3, 23)


def test_deputies_get_the_dossier_and_examination_report_15_days_before_the_session__unverified_in_law_64_2025():
    """Correction 2: deputies receive the dossier and the examination report at least 15 days before the session; the
    text was not found in Law 64/2025/QH15, so the number is marked unverified. 15 days before 20 May 2027: 5 May."""
    limit = book(V2025).rule(Stage.EXAMINATION).time_limit
    assert (limit.days, limit.anchor, limit.law_kinds, limit.unverified) == (15, DeadlineAnchor.BEFORE_NA_SESSION, LAWS, True)
    assert deadline_at(Stage.EXAMINATION) == date(2027, 5, 5)


def test_standing_committee_members_get_an_ordinance_10_days_before_its_meeting__unverified_in_law_64_2025():
    """Correction 2: members of the Standing Committee receive an ordinance draft at least 10 days before the meeting
    that adopts it (not found in Law 64/2025/QH15: unverified). 10 days before Monday 12 April 2027: Friday 2 April."""
    limit = book(V2025).rule(Stage.EXAMINATION).meeting_cutoff
    assert (limit.days, limit.law_kinds, limit.unverified) == (10, (LawKind.ORDINANCE,), True)
    assert deadline_at(Stage.EXAMINATION, law_kind=LawKind.ORDINANCE) == date(2027, 4, 2)


def test_publication_law_80_2015_art_150_4_not_157_and_law_64_2025_art_9_1_unverified():
    """Correction 4: under LAW_2015 the issuing body sends the text within 3 days and the Gazette publishes within 15 days
    of receiving it (Law 80/2015/QH13 Art. 150(4)); LAW_2025 Art. 9(1) was read only in a secondary copy."""
    old, new = book(V2015).rule(Stage.PUBLICATION), book(V2025).rule(Stage.PUBLICATION)
    assert "Art. 150(4)" in old.source and "157" not in old.source and old.url.endswith("nam_2020.pdf/81")
    assert (old.time_limit.days, old.time_limit.unverified, old.unverified) == (3, False, False)
    assert "Art. 9(1)" in new.source and (new.time_limit.days, new.time_limit.unverified, new.unverified) == (3, True, True)


def test_three_days_to_publish_ending_on_a_sunday_end_on_the_next_working_day__civil_code_2015_art_148_5():
    """Promulgated on Thursday 31 December 2026: the third day is Sunday 3 January 2027, so the period ends on Monday 4.
    (Voted on that day too, at an extraordinary session opening then.)"""
    request = core_request(target=TargetSession(legislature=16, session=9, opens_on=date(2026, 12, 31), extraordinary=True))
    published = core_state(request, at=Stage.PUBLICATION, now=datetime(2026, 12, 31, 9, tzinfo=VIETNAM))
    assert published.rulebook.rule(Stage.PUBLICATION).time_limit.counting is Counting.CALENDAR_DAYS
    assert published.deadline == date(2027, 1, 4)


def test_between_sessions_law_64_2025_cites_art_40_11_and_its_45_and_20_days_are_unverified():
    """Correction 5: the two-session rule is Law 64/2025/QH15 Art. 40(11); no 45- or 20-day figure was found in it."""
    shipped = book(V2025)
    revision = shipped.rule(Stage.INTER_SESSION_REVISION)
    assert "Art. 40(11)" in revision.source and revision.unverified and revision.time_limit.unverified
    assert shipped.window(ConsultationKind.NA_DELEGATIONS).unverified


def test_between_sessions_law_80_2015_art_75_2_d_45_and_20_days_for_two_sessions_and_after_the_second_of_three__art_76_4():
    """Correction 5, as the 2020 text reads: the revised draft reaches deputies 45 days before the next session and the
    delegations' comments come back 20 days before it (Art. 75(2)(d)); the revision after the second of three sessions
    follows Art. 75(2) (Art. 76(4)); the one after the first of three has no day count (Art. 76(2))."""
    shipped = book(V2015)
    first, second = shipped.rule(Stage.INTER_SESSION_REVISION), shipped.rule(Stage.SECOND_INTER_SESSION_REVISION)
    assert "Art. 75(2)(d)" in first.time_limit.source and first.time_limit.procedures == (SessionProcedure.TWO_SESSIONS,)
    assert "Art. 76(4)" in second.time_limit.source and not (first.time_limit.unverified or second.time_limit.unverified)
    delegations = shipped.window(ConsultationKind.NA_DELEGATIONS)
    assert (delegations.days, delegations.unverified, "Art. 75" in delegations.source) == (20, False, True)
    # 45 days before 20 October 2027 is Sunday 5 September; 2-3 September are National Day: Wednesday 1 September.
    assert deadline_at(Stage.INTER_SESSION_REVISION, V2015, SessionProcedure.TWO_SESSIONS) == date(2027, 9, 1)
    assert deadline_at(Stage.INTER_SESSION_REVISION, V2015, SessionProcedure.THREE_SESSIONS) is None
    assert deadline_at(Stage.SECOND_INTER_SESSION_REVISION, V2015, SessionProcedure.THREE_SESSIONS) == date(2028, 4, 7)


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_fatherland_front_critique_during_drafting_only__law_64_2025_art_6_1(version):
    """Correction 6: social critique by the Fatherland Front happens while the draft is drafted (Law 64/2025/QH15
    Art. 6(1)), not at the policy or law-making proposal; no day count is in the law (unverified)."""
    critique = book(version).window(ConsultationKind.SOCIAL_CRITIQUE)
    assert critique.stages == (Stage.DRAFTING,) and critique.unverified
    request = core_request(version, target=SESSION_2)
    proposal = core_state(request)
    with pytest.raises(Refused) as refused:
        rules.check_consultation(proposal, consultation(request, "R1", ("MTTQ",), ConsultationKind.SOCIAL_CRITIQUE), proposal.stage_since)
    assert (refused.value.field, refused.value.rule) == ("kind", "consultation_stage")
    drafting = core_state(request, at=Stage.DRAFTING)
    rules.check_consultation(drafting, consultation(request, "R1", ("MTTQ",), ConsultationKind.SOCIAL_CRITIQUE), drafting.stage_since)


def test_standing_committee_opinion_under_law_80_2015_is_art_71_not_73():
    """Correction 7: the Standing Committee's opinion is Law 80/2015/QH13 Art. 71, its acceptance Art. 72."""
    opinion = book(V2015).rule(Stage.STANDING_COMMITTEE_OPINION)
    assert opinion.source.startswith("Law 80/2015/QH13 Art. 71") and "73" not in opinion.source and opinion.unverified is False


@pytest.mark.parametrize("version,days", [(V2025, 20), (V2015, 60)])
def test_public_posting_days_are_unverified_and_a_public_round_may_run_between_sessions__law_80_2015_art_76_2_b(version, days):
    """Correction 8: 20 days of posting are confirmed only for the President's orders (Law 64/2025/QH15 Arts. 12, 44),
    and Law 80/2015/QH13 Art. 57's 60 days were not read again; a nationwide consultation may run between two sessions
    (Art. 76(2)(b), the Land Law 2023), so a public round opens at the revision between sessions."""
    posting = book(version).window(ConsultationKind.PUBLIC_POSTING)
    assert (posting.days, posting.unverified) == (days, True) and Stage.INTER_SESSION_REVISION in posting.stages
    request = core_request(version, SessionProcedure.TWO_SESSIONS, target=SESSION_2)
    between = core_state(request, at=Stage.INTER_SESSION_REVISION, sessions=(SESSION_2, SESSION_3))
    rules.check_consultation(between, consultation(request, "P1", ("PUBLIC",), ConsultationKind.PUBLIC_POSTING), between.stage_since)


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_follow_up_numbers_have_no_source_and_stay_unverified__decree_39_2022_art_22_3(version):
    """Correction 13: warnings at half the window and 5 days before, escalation after 3, 7 and 14 days and a late request
    within 5 days are engine policy: Decree 39/2022/NĐ-CP Art. 22(3) and Decision 42/2014/QĐ-TTg give no numbers."""
    shipped = book(version)
    assert shipped.follow_up.unverified and shipped.citation("postponement_authority").unverified
    assert "Art. 22(3)" in shipped.citation("postponement_authority").source
