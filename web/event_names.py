"""What each kind of audit event, each level of the escalation ladder, each kind of dossier document and of consultation round,
each programme track and session procedure is called on the pages: English here (the catalogue's message IDs), Vietnamese in `locales/vi/LC_MESSAGES/legis.po`. The code
(`schemas.enums.EventKind`, `EscalationLevel`, `DocumentKind`) is shown beside its name on the board."""

from __future__ import annotations

from schemas.enums import ConsultationKind, DocumentKind, EscalationLevel, EventKind, ProgrammeTrack, SessionProcedure

EVENT_NAMES = {
    EventKind.SUBMITTED: "Draft opened",
    EventKind.DECISION: "Decision",
    EventKind.DOSSIER_FILED: "Dossier filed",
    EventKind.DEADLINE_PASSED: "Deadline passed",
    EventKind.WARNING: "Early warning",
    EventKind.ESCALATION: "Escalation",
    EventKind.POSTPONEMENT_REQUESTED: "Postponement requested",
    EventKind.POSTPONEMENT_DECIDED: "Postponement decided",
    EventKind.SESSION_RESCHEDULED: "Target session set or moved",
    EventKind.SESSION_SLIPPED: "Moved to a later session",
    EventKind.DISAGREEMENT_RAISED: "Disagreement raised",
    EventKind.DISAGREEMENT_ESCALATED: "Disagreement sent to the Prime Minister",
    EventKind.DISAGREEMENT_RULED: "Ruling on a disagreement",
    EventKind.AGENCY_REMAPPED: "Agency's code changed (lead ministry or examining committee)",
    EventKind.MEETING_SCHEDULED: "Standing Committee meeting set or changed",
    EventKind.PROGRAMME_CHANGED: "Programme changed",
    EventKind.CONSULTATION_OPENED: "Consultation opened",
    EventKind.OPINION_RECEIVED: "Opinion received",
    EventKind.CONSULTEE_SILENT: "No answer from a consultee",
    EventKind.CONSULTATION_COMPILED: "Opinions compiled",
    EventKind.CONSULTATION_LOST: "Consultation round lost",
    EventKind.CONSULTATION_CANCELLED: "Consultation round cancelled",
    EventKind.CONSULTATION_RESCHEDULED: "Consultation window moved with its session",
    EventKind.DEADLINE_RECOUNTED: "Deadline or cut-off counted again",
    EventKind.POSTPONEMENT_CONFLICT: "Approved date after the cut-off",
}

# Who is told as a deadline slips further (found by an official's trial: the board said "escalated to DEPUTY_PM").
LEVEL_NAMES = {
    EscalationLevel.RESPONSIBLE_OFFICIAL: "the responsible official",
    EscalationLevel.HEAD_OF_AGENCY: "the head of the agency",
    EscalationLevel.VPCP: "the Government Office",
    EscalationLevel.DEPUTY_PM: "the Deputy Prime Minister in charge",
    EscalationLevel.VPQH: "the National Assembly Office",
    EscalationLevel.UBTVQH: "the Standing Committee of the National Assembly",
}

# The dossier's documents (hồ sơ), as the law names them (found by a public trial: the public page said DRAFT_TEXT).
DOCUMENT_NAMES = {
    DocumentKind.LAW_MAKING_PROPOSAL: "Law-making proposal",
    DocumentKind.POLICY_PROPOSAL: "Policy proposal dossier",
    DocumentKind.POLICY_APPRAISAL_REPORT: "Policy appraisal report",
    DocumentKind.GOVERNMENT_RESOLUTION: "Government resolution",
    DocumentKind.PROGRAMME_RESOLUTION: "Resolution on the legislative programme",
    DocumentKind.APPRAISAL_REQUEST: "Request for appraisal",
    DocumentKind.COVER_SUBMISSION: "Cover submission",
    DocumentKind.DRAFT_TEXT: "Draft text",
    DocumentKind.IMPLEMENTATION_REPORT: "Report on the law's implementation",
    DocumentKind.POLICY_REVIEW: "Review of the Party's policies, laws and treaties",
    DocumentKind.IMPACT_ASSESSMENT: "Assessment of administrative procedures, gender and ethnic impact",
    DocumentKind.POLICY_TO_RULES_NOTE: "Note on how the policies became rules",
    DocumentKind.COMPARISON_TABLE: "Comparison table and explanation",
    DocumentKind.COMMENTS_COMPILATION: "Compilation of comments, their acceptance and explanation",
    DocumentKind.APPRAISAL_REPORT: "Appraisal report",
    DocumentKind.APPRAISAL_ACCEPTANCE_REPORT: "Report on the appraisal's acceptance",
    DocumentKind.REVIEW_REPORT: "Government Office's review report",
    DocumentKind.EXAMINATION_REPORT: "Examination report",
    DocumentKind.STANDING_COMMITTEE_CONCLUSION: "Standing Committee's conclusion",
    DocumentKind.REVISION_REPORT: "Report on acceptance and revision",
    DocumentKind.VOTE_RECORD: "Vote record",
    DocumentKind.PROMULGATION_ORDER: "Promulgation order",
    DocumentKind.GAZETTE_PUBLICATION: "Publication in the Official Gazette and the national legal database",
    DocumentKind.RECONSIDERATION_REQUEST: "Request to reconsider the ordinance",
}

# The consultation rounds (lấy ý kiến), as the law names them.
ROUND_NAMES = {
    ConsultationKind.WRITTEN_OPINIONS: "Written opinions of ministries and agencies",
    ConsultationKind.SOCIAL_CRITIQUE: "Social critique of the Viet Nam Fatherland Front",
    ConsultationKind.NA_DELEGATIONS: "Opinions of the National Assembly delegations",
    ConsultationKind.PUBLIC_POSTING: "Public consultation",
}

# How the programme schedules a draft, and over how many sessions the Assembly takes it, as a programme change's note
# names them (LAW_2025 Arts. 51 and 52; LAW_2015 Art. 76).
TRACK_NAMES = {
    ProgrammeTrack.REGULAR: "the regular procedure",
    ProgrammeTrack.SHORTENED: "the shortened procedure",
    ProgrammeTrack.SPECIAL: "the special procedure",
}
PROCEDURE_NAMES = {
    SessionProcedure.ONE_SESSION: "one session",
    SessionProcedure.TWO_SESSIONS: "two sessions",
    SessionProcedure.THREE_SESSIONS: "three sessions",
}
