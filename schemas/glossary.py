"""What each field of legis's messages and answers means, by its name, for the OpenAPI document and its readers.

A field keeps one meaning (and one shape) in every message and answer it appears in; where a model gives a field its
own description, that one stands. Dates are Ha Noi dates (YYYY-MM-DD); instants are ISO 8601 with their offset.
"""

from __future__ import annotations

from typing import Any

FIELDS = {
    "submission_id": "the submission's ID (mã hồ sơ), chosen by the lead ministry's system: letters, digits, `.`, `_`, `-`",
    "workflow_id": "the draft's Temporal workflow ID: `draft-law-<submission_id>`",
    "title": "the draft's title (tên dự án luật)",
    "law_kind": "new law, amending law or ordinance (luật mới, luật sửa đổi, pháp lệnh)",
    "lead_ministry": "the code of the agency that leads the drafting (cơ quan chủ trì soạn thảo), e.g. BGDDT",
    "process_version": "the statutory procedure the draft follows: the Law on Promulgation of Legal Documents of 2015 or of 2025",
    "rulebook_version": "the version of the rulebook pinned when the draft started (stages, deadlines, deciders)",
    "target_session": "the National Assembly session aimed at (kỳ họp), e.g. `16-2`, or `16-E9` for an extraordinary one",
    "session_procedure": "passed at one session, debated at one and passed at the next, or (LAW_2015 only) over three (một kỳ họp, hai kỳ họp, ba kỳ họp)",
    "classified": "a classified draft (dự án mật): its title, ministry and documents are shown only to its lead ministry",
    "stage": "a stage of the statutory path (bước), e.g. APPRAISAL (thẩm định)",
    "to_stage": "the stage the draft stands at after this",
    "stage_since": "when the draft entered its current stage (an instant with its offset)",
    "stage_deadline": "the last Ha Noi day of the current stage's time limit (thời hạn), if the stage has one",
    "overdue": "past the current stage's deadline",
    "track": "regular, shortened or special procedure (trình tự thông thường, rút gọn, đặc biệt)",
    "actor": "the body acting (chủ thể): LEAD_MINISTRY, MOJ, VPCP, GOVERNMENT, NA_COMMITTEE, UBTVQH, NA, PRESIDENT, ...",
    "agency_code": "the code of the agency acting, e.g. BTP for the Ministry of Justice",
    "role": "the office of the official who signs (chức vụ), e.g. MINISTER, DEPUTY_MINISTER",
    "roles": "the offices that may sign for this body",
    "official": "the name of the official who signs (người ký)",
    "outcome": "what was decided: APPROVE, RETURN, REJECT, VOTE, ...",
    "reasons": "why (lý do), required when a decision returns or rejects",
    "reason": "why (lý do)",
    "documents": "documents by reference: kind, name, SHA-256 and size; legis never stores their contents",
    "document": "a document by reference: kind, name, SHA-256 and size",
    "kind": "which kind of it this is",
    "vote": "the Assembly's vote: deputies in all, in favour, against, abstaining",
    "in_favour": "deputies voting in favour (tán thành)",
    "against": "deputies voting against (không tán thành)",
    "abstaining": "deputies abstaining (không biểu quyết)",
    "new_deadline": "the Ha Noi day asked for as the stage's new deadline",
    "deadline": "the Ha Noi day the stage must end by",
    "approved": "true to approve, false to refuse",
    "approved_by": "who approved it",
    "point_id": "the ID of a point in dispute, chosen by the ministry that raises it",
    "point": "the point in dispute",
    "summary": "what the ministries disagree on",
    "ruling": "the decision on the point (kết luận)",
    "escalate": "true to send the point on to the Prime Minister instead of ruling",
    "escalation_level": "who the point has reached: the Deputy Prime Minister or the Prime Minister",
    "round_id": "the consultation round's ID (đợt lấy ý kiến), chosen by the lead ministry",
    "consultee": "the code of a consulted agency, or PUBLIC for comments from the public",
    "consultees": "the agencies asked for opinions",
    "comment_id": "the comment's ID, unique within the consultee's opinion",
    "comment_ids": "the IDs of the comments it sent, in a round's result (recorded with `OPINION_RECEIVED`); empty in a round's view "
                   "(`readConsultation`, `legis consult show`), which keeps each answer bounded: it gives their number, `comments`, "
                   "the comments themselves are read at `.../opinions`, those still unanswered named in `unanswered_comments`",
    "comments": "the comments (góp ý)",
    "response": "ACCEPTED (tiếp thu) or EXPLAINED (giải trình)",
    "responses": "the lead ministry's answer to every comment (bản tổng hợp, tiếp thu, giải trình)",
    "closes_at": "when the round closes (an instant with its offset)",
    "closed": "the round has closed",
    "compiled": "the lead ministry has answered every comment",
    "answers": "the opinions received, without their texts",
    "silent": "consultees that did not answer before the round closed (silence is recorded, not assumed consent)",
    "at": "when it happened (an instant with its offset)",
    "opened_at": "when the round opened (an instant with its offset)",
    "occurred_at": "when it happened (an instant with its offset)",
    "seq": "the event's place in the draft's audit trail, from 1, without gaps",
    "event": "what happened (sự kiện)",
    "entries": "the events, in order",
    "label": "what it is, for a person",
    "number": "the version's number, from 1",
    "versions": "the dossier's versions, newest last",
    "request_id": "the request ID the message came with (its Idempotency-Key), or, sent without one, the ID legis gave it",
    "duplicate": "the message had been applied already: this is its first receipt again",
    "status": "the state, or the HTTP status",
    "checks": "each dependency's state",
    "items": "this page's rows",
    "total": "rows matching the filters, on every page",
    "outcomes": "the outcomes a decider may choose here",
    "deciders": "who may decide here, and in which office",
    "required_documents": "the kinds of document a decision here must include",
    "missing_documents": "required kinds not yet filed",
    "filed_before": "of the missing kinds, those the dossier holds from an earlier decision or stage, which must be filed anew here",
    "pending": "the decision the draft is waiting for",
    "pending_postponement": "a postponement asked for and not yet decided",
    "revision_loops": "how many times the draft was sent back at each stage",
    "last_vote": "the Assembly's last vote on the draft",
    "agency": "an agency's code, or ALL for every agency together",
    "on_time": "stages finished on or before their deadline",
    "late": "stages finished after their deadline",
    "overdue_now": "stages running past their deadline now, of those due before the period's end",
    "postponed": "postponements approved",
    "late_requests": "postponements asked within the rulebook's last days before the deadline (`late_request_days`, 5 in both process versions) or after it",
    "token_id": "the API token's public ID (never its secret)",
    "action": "what was attempted",
    "field": "the field (or header, or path part) the refusal is about",
    "rule": "a stable name of the rule that refused it",
    "message": "what was refused and why, for a person",
    "detail": "what was refused and why, for a person",
    "type": "a URI naming the rule, `urn:legis:rule:<rule>`",
    "errors": "the problems found in the body (the first 20), each with its field and rule",
    "errors_omitted": "how many problems were found beyond those listed in `errors`; absent when none",
    "created": "false when the submission was open already (the same request sent again)",
}

OVERRIDES = {
    "OpenRound.workflow_id": "the consultation round's child workflow ID",
    "OpenRound.kind": "written opinions, the Fatherland Front's social critique, public posting or the Assembly delegations' comments (lấy ý kiến bằng văn bản, phản biện xã hội, đăng tải lấy ý kiến nhân dân, ý kiến các Đoàn đại biểu Quốc hội)",
    "ConsultationRequest.kind": "written opinions, the Fatherland Front's social critique, public posting or the Assembly delegations' comments (lấy ý kiến bằng văn bản, phản biện xã hội, đăng tải lấy ý kiến nhân dân, ý kiến các Đoàn đại biểu Quốc hội)",
    "ConsultationView.kind": "written opinions, the Fatherland Front's social critique, public posting or the Assembly delegations' comments (lấy ý kiến bằng văn bản, phản biện xã hội, đăng tải lấy ý kiến nhân dân, ý kiến các Đoàn đại biểu Quốc hội)",
    "OpinionReceipt.comments": "how many comments the opinion carried",
    "ProgrammeChange.kind": "add, defer, withdraw, or move to another track or session procedure",
    "DocumentRef.kind": "the document's kind, e.g. DRAFT_TEXT (dự thảo), COVER_SUBMISSION (tờ trình)",
    "NextAlarm.event": "the warning or escalation that will fire",
    "HistoryEntry.agency_code": "the agency that acted",
    "Answer.documents": "documents the consultee attached, by reference, in a round's result (recorded with `OPINION_RECEIVED`); "
                        "empty in a round's view, as `comment_ids` is",
}


def describe(schemas: dict[str, dict[str, Any]]) -> list[str]:
    """Give every property of these JSON schemas (OpenAPI components) a description; returns those still without one."""
    missing = []
    for model, schema in schemas.items():
        for name, prop in schema.get("properties", {}).items():
            if "description" in prop:
                continue
            text = OVERRIDES.get(f"{model}.{name}") or FIELDS.get(name)
            if text is None:
                missing.append(f"{model}.{name}")
            else:
                prop["description"] = text
    return missing
