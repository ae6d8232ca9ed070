"""What each kind of audit event, and each level of the escalation ladder, is called on the board: English here (the
catalogue's message IDs), Vietnamese in `locales/vi/LC_MESSAGES/legis.po`. The code (`schemas.enums.EventKind`,
`EscalationLevel`) is shown beside its name."""

from __future__ import annotations

from schemas.enums import EscalationLevel, EventKind

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
    EventKind.AGENCY_REMAPPED: "Lead ministry's code changed",
    EventKind.MEETING_SCHEDULED: "Standing Committee meeting set or changed",
    EventKind.PROGRAMME_CHANGED: "Programme changed",
    EventKind.CONSULTATION_OPENED: "Consultation opened",
    EventKind.OPINION_RECEIVED: "Opinion received",
    EventKind.CONSULTEE_SILENT: "No answer from a consultee",
    EventKind.CONSULTATION_COMPILED: "Opinions compiled",
    EventKind.CONSULTATION_LOST: "Consultation round lost",
    EventKind.CONSULTATION_CANCELLED: "Consultation cancelled with its draft",
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
