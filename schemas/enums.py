"""Enumerations named as in DOMAIN.md; the Vietnamese term stands beside each where officials use it."""

from datetime import date
from enum import Enum


class ProcessVersion(str, Enum):
    LAW_2015 = "LAW_2015"  # Luật 80/2015/QH13, sửa đổi 63/2020/QH14
    LAW_2025 = "LAW_2025"  # Luật 64/2025/QH15

    @property
    def in_force(self) -> tuple[date, date | None]:
        """The day the version's law came into force and the day the next replaced it (None: in force): Law 80/2015/QH13
        from 1 July 2016, Law 64/2025/QH15 from 1 April 2025 (DOMAIN.md, "Two process versions")."""
        return {ProcessVersion.LAW_2015: (date(2016, 7, 1), date(2025, 4, 1)), ProcessVersion.LAW_2025: (date(2025, 4, 1), None)}[self]


class Actor(str, Enum):
    LEAD_MINISTRY = "LEAD_MINISTRY"  # cơ quan chủ trì soạn thảo
    MOJ = "MOJ"  # Bộ Tư pháp
    VPCP = "VPCP"  # Văn phòng Chính phủ
    DEPUTY_PM = "DEPUTY_PM"  # Phó Thủ tướng phụ trách
    PM = "PM"  # Thủ tướng
    GOVERNMENT = "GOVERNMENT"  # Chính phủ
    NA_COMMITTEE = "NA_COMMITTEE"  # Hội đồng Dân tộc / Ủy ban của Quốc hội
    UBTVQH = "UBTVQH"  # Ủy ban Thường vụ Quốc hội
    NA = "NA"  # Quốc hội
    PRESIDENT = "PRESIDENT"  # Chủ tịch nước
    MTTQ = "MTTQ"  # Mặt trận Tổ quốc
    CONSULTEE = "CONSULTEE"  # cơ quan được lấy ý kiến


# The agency code of each actor that is one body wherever it acts (the Ministry of Justice is BTP, the Government, its
# Prime Minister and Deputy Prime Ministers CP): a message or a token naming the body under another agency's code is
# refused (`body_code_refusal`; found by an integrator: a token of the Ministry of Finance issued as MOJ appraised drafts,
# recorded as MOJ/BTC). A lead ministry, an Assembly committee and a consulted agency are each one of several agencies.
BODY_CODES: dict[Actor, str] = {
    Actor.MOJ: "BTP", Actor.VPCP: "VPCP", Actor.GOVERNMENT: "CP", Actor.PM: "CP", Actor.DEPUTY_PM: "CP",
    Actor.UBTVQH: "UBTVQH", Actor.NA: "QH", Actor.PRESIDENT: "CTN", Actor.MTTQ: "MTTQ",
}


# The Assembly's Ethnic Council and committees, which examine drafts (thẩm tra), by their codes since the 2025
# reorganisation; and those merged then, each with the committee that took over its field (Committee on Law and Justice:
# Legal Affairs and Judicial Affairs; Economy and Finance: Economic, Finance and Budget; National Defence, Security and
# Foreign Affairs: National Defence and Security, Foreign Affairs; Culture and Society: Culture and Education, Social Affairs).
NA_COMMITTEES = ("HDDT", "UBPLTP", "UBKTTC", "UBQPANDN", "UBVHXH", "UBKHCNMT")
MERGED_COMMITTEES = {"UBPL": "UBPLTP", "UBTP": "UBPLTP", "UBKT": "UBKTTC", "UBTCNS": "UBKTTC", "UBQPAN": "UBQPANDN", "UBDN": "UBQPANDN",
                     "UBVHGD": "UBVHXH", "UBXH": "UBVHXH"}


def committee_refusal(code: str) -> str | None:
    """Why `code` cannot lead a draft's examination (rule `examining_committee_known`), or None when it can."""
    if code in NA_COMMITTEES:
        return None
    said = f"{code} was merged into {MERGED_COMMITTEES[code]} in 2025: name {MERGED_COMMITTEES[code]}" if code in MERGED_COMMITTEES else \
        f"{code} is not a committee of the National Assembly"
    return f"{said} (one of {', '.join(NA_COMMITTEES)})"


def remap_of_merged(code: str) -> str:
    """What ends the wait of a draft whose examining committee `code` was merged in 2025 (its remap), said after a refusal;
    "" for another code (found by a breaker: refused as UBXH and as UBVHXH, an official was sent round in a loop)."""
    if code not in MERGED_COMMITTEES:
        return ""
    return (f"; {code} was merged into {MERGED_COMMITTEES[code]} in 2025: the office remaps the draft first (legis remap-agency "
            f"{code} {MERGED_COMMITTEES[code]} --by WHO --reason WHY)")


def body_code_refusal(actor: Actor, agency_code: str, *, past: bool = False) -> str | None:
    """Why `agency_code` cannot act as `actor` (rule `body_agency_code`), or None when it can. The Assembly's committee is
    one of its committees, under that one's code (found by a committee's trial: a ministry's token as NA_COMMITTEE examined
    the ministry's own law, and the report credited the ministry with the examination); a step `past` (of a draft entered
    under way) may name one merged since, as it acted then (found by a breaker: a LAW_2015 examination of 2024)."""
    if actor is Actor.NA_COMMITTEE:
        if past and agency_code in MERGED_COMMITTEES or (why := committee_refusal(agency_code)) is None:
            return None
        return f"NA_COMMITTEE acts under a committee's own code: {why}"
    code = BODY_CODES.get(actor)
    if code is None or agency_code == code:
        return None
    return f"{actor.value} is one body, acting under agency code {code}, not {agency_code}"


class Role(str, Enum):
    """The office an official holds when acting for an agency."""

    MINISTER = "MINISTER"  # Bộ trưởng
    DEPUTY_MINISTER = "DEPUTY_MINISTER"  # Thứ trưởng
    HEAD_OF_GOVERNMENT_OFFICE = "HEAD_OF_GOVERNMENT_OFFICE"  # Bộ trưởng, Chủ nhiệm VPCP
    DEPUTY_HEAD_OF_GOVERNMENT_OFFICE = "DEPUTY_HEAD_OF_GOVERNMENT_OFFICE"  # Phó Chủ nhiệm VPCP
    PRIME_MINISTER = "PRIME_MINISTER"  # Thủ tướng
    DEPUTY_PRIME_MINISTER = "DEPUTY_PRIME_MINISTER"  # Phó Thủ tướng
    COMMITTEE_CHAIR = "COMMITTEE_CHAIR"  # Chủ nhiệm Ủy ban / Chủ tịch Hội đồng Dân tộc
    COMMITTEE_VICE_CHAIR = "COMMITTEE_VICE_CHAIR"  # Phó Chủ nhiệm Ủy ban
    NA_CHAIR = "NA_CHAIR"  # Chủ tịch Quốc hội
    NA_VICE_CHAIR = "NA_VICE_CHAIR"  # Phó Chủ tịch Quốc hội
    NA_SECRETARY_GENERAL = "NA_SECRETARY_GENERAL"  # Tổng Thư ký Quốc hội
    STATE_PRESIDENT = "STATE_PRESIDENT"  # Chủ tịch nước


class Stage(str, Enum):
    LAW_MAKING_PROPOSAL = "LAW_MAKING_PROPOSAL"  # đề nghị xây dựng luật (LAW_2015)
    POLICY_PROPOSAL = "POLICY_PROPOSAL"  # lập đề xuất chính sách (LAW_2025)
    LEGISLATIVE_PROGRAMME = "LEGISLATIVE_PROGRAMME"  # chương trình lập pháp
    DRAFTING = "DRAFTING"  # soạn thảo
    APPRAISAL = "APPRAISAL"  # thẩm định
    GOVERNMENT_REVIEW = "GOVERNMENT_REVIEW"  # VPCP kiểm tra hồ sơ, thẩm tra
    GOVERNMENT_DECISION = "GOVERNMENT_DECISION"  # Chính phủ xem xét, quyết định
    EXAMINATION = "EXAMINATION"  # thẩm tra của Ủy ban Quốc hội
    STANDING_COMMITTEE_OPINION = "STANDING_COMMITTEE_OPINION"  # UBTVQH cho ý kiến
    NA_FIRST_SESSION = "NA_FIRST_SESSION"  # Quốc hội thảo luận, kỳ họp thứ nhất
    INTER_SESSION_REVISION = "INTER_SESSION_REVISION"  # chỉnh lý giữa hai kỳ họp
    NA_SECOND_SESSION = "NA_SECOND_SESSION"  # Quốc hội thảo luận, kỳ họp thứ hai (three-session procedure, LAW_2015)
    SECOND_INTER_SESSION_REVISION = "SECOND_INTER_SESSION_REVISION"  # chỉnh lý sau kỳ họp thứ hai (three sessions)
    NA_SESSION = "NA_SESSION"  # Quốc hội xem xét, thông qua
    PROMULGATION = "PROMULGATION"  # công bố
    PUBLICATION = "PUBLICATION"  # đăng Công báo, Cơ sở dữ liệu quốc gia về pháp luật
    PROMULGATED = "PROMULGATED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STAGES


TERMINAL_STAGES = frozenset({Stage.PROMULGATED, Stage.REJECTED, Stage.WITHDRAWN})
# The final states' names as officials say them (a rulebook names only the stages a draft passes through).
FINAL_NAMES_VI = {Stage.PROMULGATED: "Đã công bố", Stage.REJECTED: "Không được thông qua", Stage.WITHDRAWN: "Đã rút"}
# Sessions at which the Assembly debates a draft without voting it, and the revisions that follow them.
DEBATING_SESSIONS = frozenset({Stage.NA_FIRST_SESSION, Stage.NA_SECOND_SESSION})
BETWEEN_SESSIONS = frozenset({Stage.INTER_SESSION_REVISION, Stage.SECOND_INTER_SESSION_REVISION})
ASSEMBLY_STAGES = DEBATING_SESSIONS | BETWEEN_SESSIONS | {Stage.NA_SESSION}
# Stages after the Assembly (or its Standing Committee) adopted the text: it is promulgated and published, not withdrawn,
# deferred or moved to another track (Law 64/2025 Art. 43).
PASSED_STAGES = frozenset({Stage.PROMULGATION, Stage.PUBLICATION})
# Stages the Assembly decides in plenary, at a sitting of the session the draft aims at.
SITTING_STAGES = DEBATING_SESSIONS | {Stage.NA_SESSION}
# The Government's stage whose limit counts back from the session, as the rulebooks have it: a draft still there when its
# session opens slips then (`workflows.sessions.opened_without`), which the registry's readers say by it.
GOVERNMENT_CUTOFF_STAGES = frozenset({Stage.GOVERNMENT_DECISION})


class Outcome(str, Enum):
    APPROVE = "APPROVE"  # thông qua, chuyển bước tiếp theo
    RETURN_FOR_REVISION = "RETURN_FOR_REVISION"  # trả lại để chỉnh lý
    REJECT = "REJECT"  # không thông qua / không trình
    WITHDRAW = "WITHDRAW"  # rút hồ sơ
    VOTE = "VOTE"  # biểu quyết tại kỳ họp Quốc hội
    CARRY_OVER = "CARRY_OVER"  # chuyển sang kỳ họp sau: the Assembly takes the draft up again at a later session
    # trình Quốc hội quyết định: the President still disagrees with an ordinance the Standing Committee adopted again
    # after his request to reconsider it; the Assembly decides at its nearest session (Law 64/2025/QH15 Art. 43(1))
    REFER_TO_ASSEMBLY = "REFER_TO_ASSEMBLY"


class LawKind(str, Enum):
    NEW_LAW = "NEW_LAW"  # luật mới
    AMENDING_LAW = "AMENDING_LAW"  # luật sửa đổi, bổ sung
    ORDINANCE = "ORDINANCE"  # pháp lệnh: adopted by the Standing Committee; the President may ask it to reconsider


class SessionProcedure(str, Enum):
    ONE_SESSION = "ONE_SESSION"  # quy trình một kỳ họp
    TWO_SESSIONS = "TWO_SESSIONS"  # quy trình hai kỳ họp
    THREE_SESSIONS = "THREE_SESSIONS"  # quy trình ba kỳ họp (LAW_2015 Art. 76 only)


def procedures_for(version: ProcessVersion) -> tuple[SessionProcedure, ...]:
    """The Assembly procedures a process version knows: three sessions only under LAW_2015 (Art. 76)."""
    if version is ProcessVersion.LAW_2015:
        return tuple(SessionProcedure)
    return (SessionProcedure.ONE_SESSION, SessionProcedure.TWO_SESSIONS)


class ProgrammeTrack(str, Enum):
    """How the programme schedules a draft (DOMAIN.md, stage 2)."""

    REGULAR = "REGULAR"  # trình tự thông thường
    SHORTENED = "SHORTENED"  # trình tự rút gọn (LAW_2025 Art. 51)
    SPECIAL = "SPECIAL"  # trình tự, thủ tục đặc biệt (LAW_2025 Art. 52)


class ProgrammeChangeKind(str, Enum):
    """The Standing Committee changing the programme while the draft runs (điều chỉnh chương trình)."""

    ADD = "ADD"  # bổ sung vào chương trình: a draft awaiting the programme is placed in it
    DEFER = "DEFER"  # lùi thời hạn trình: aimed at a later session
    WITHDRAW = "WITHDRAW"  # rút khỏi chương trình
    SHORTENED = "SHORTENED"  # chuyển sang trình tự rút gọn
    SPECIAL = "SPECIAL"  # chuyển sang trình tự đặc biệt
    SWITCH_PROCEDURE = "SWITCH_PROCEDURE"  # one, two (or three) sessions: split across sessions, or accelerated


class ConsultationKind(str, Enum):
    WRITTEN_OPINIONS = "WRITTEN_OPINIONS"  # lấy ý kiến bằng văn bản: ministries, agencies
    SOCIAL_CRITIQUE = "SOCIAL_CRITIQUE"  # phản biện xã hội của Mặt trận Tổ quốc
    NA_DELEGATIONS = "NA_DELEGATIONS"  # ý kiến các Đoàn đại biểu Quốc hội
    PUBLIC_POSTING = "PUBLIC_POSTING"  # đăng tải lấy ý kiến nhân dân


class Response(str, Enum):
    """The lead ministry's answer to one comment in the compilation (tiếp thu, giải trình)."""

    ACCEPTED = "ACCEPTED"  # tiếp thu
    EXPLAINED = "EXPLAINED"  # giải trình: not taken, with the reason


class DocumentKind(str, Enum):
    """Dossier documents (hồ sơ), DOMAIN.md: Art. 34(2), Art. 37(3)."""

    LAW_MAKING_PROPOSAL = "LAW_MAKING_PROPOSAL"  # đề nghị xây dựng luật
    POLICY_PROPOSAL = "POLICY_PROPOSAL"  # hồ sơ đề xuất chính sách
    POLICY_APPRAISAL_REPORT = "POLICY_APPRAISAL_REPORT"  # báo cáo thẩm định chính sách
    GOVERNMENT_RESOLUTION = "GOVERNMENT_RESOLUTION"  # nghị quyết của Chính phủ
    PROGRAMME_RESOLUTION = "PROGRAMME_RESOLUTION"  # nghị quyết về chương trình
    APPRAISAL_REQUEST = "APPRAISAL_REQUEST"  # văn bản đề nghị thẩm định
    COVER_SUBMISSION = "COVER_SUBMISSION"  # tờ trình
    DRAFT_TEXT = "DRAFT_TEXT"  # dự thảo
    IMPLEMENTATION_REPORT = "IMPLEMENTATION_REPORT"  # báo cáo tổng kết thi hành
    POLICY_REVIEW = "POLICY_REVIEW"  # rà soát chủ trương, văn bản, điều ước
    IMPACT_ASSESSMENT = "IMPACT_ASSESSMENT"  # đánh giá thủ tục hành chính, giới, dân tộc
    POLICY_TO_RULES_NOTE = "POLICY_TO_RULES_NOTE"  # thuyết minh cụ thể hóa chính sách
    COMPARISON_TABLE = "COMPARISON_TABLE"  # bản so sánh, thuyết minh
    COMMENTS_COMPILATION = "COMMENTS_COMPILATION"  # bản tổng hợp, tiếp thu, giải trình
    APPRAISAL_REPORT = "APPRAISAL_REPORT"  # báo cáo thẩm định
    APPRAISAL_ACCEPTANCE_REPORT = "APPRAISAL_ACCEPTANCE_REPORT"  # báo cáo tiếp thu ý kiến thẩm định
    REVIEW_REPORT = "REVIEW_REPORT"  # báo cáo thẩm tra của VPCP
    EXAMINATION_REPORT = "EXAMINATION_REPORT"  # báo cáo thẩm tra
    STANDING_COMMITTEE_CONCLUSION = "STANDING_COMMITTEE_CONCLUSION"  # kết luận của UBTVQH
    REVISION_REPORT = "REVISION_REPORT"  # báo cáo tiếp thu, chỉnh lý
    VOTE_RECORD = "VOTE_RECORD"  # kết quả biểu quyết
    PROMULGATION_ORDER = "PROMULGATION_ORDER"  # lệnh công bố
    GAZETTE_PUBLICATION = "GAZETTE_PUBLICATION"  # đăng Công báo và Cơ sở dữ liệu quốc gia về pháp luật
    RECONSIDERATION_REQUEST = "RECONSIDERATION_REQUEST"  # đề nghị xem xét lại pháp lệnh (President)


class Counting(str, Enum):
    CALENDAR_DAYS = "CALENDAR_DAYS"
    WORKING_DAYS = "WORKING_DAYS"


class RestDay(str, Enum):
    """What happens to a period whose last day is a rest day (weekend, holiday, moved day off)."""

    NEXT_WORKING_DAY = "NEXT_WORKING_DAY"  # Civil Code 2015 Art. 148(5): it ends at the close of the next working day
    PREVIOUS_WORKING_DAY = "PREVIOUS_WORKING_DAY"  # "at least N days before" a session: the working day before, never later
    AS_COUNTED = "AS_COUNTED"  # the day counted stands, rest day or not


class DeadlineAnchor(str, Enum):
    """From what a stage's time limit is counted."""

    STAGE_ENTRY = "STAGE_ENTRY"  # forward from entering the stage
    COMPLETE_DOSSIER = "COMPLETE_DOSSIER"  # forward from a complete dossier (hồ sơ đầy đủ)
    BEFORE_NA_SESSION = "BEFORE_NA_SESSION"  # backward from the opening of the target session
    BEFORE_STANDING_COMMITTEE_MEETING = "BEFORE_STANDING_COMMITTEE_MEETING"  # backward from the UBTVQH meeting before that session
    NONE = "NONE"  # no statutory limit


class EventKind(str, Enum):
    SUBMITTED = "SUBMITTED"  # the draft was opened by its lead ministry
    DECISION = "DECISION"  # an official decided on the current stage
    DOSSIER_FILED = "DOSSIER_FILED"  # documents were added to the dossier (bổ sung hồ sơ)
    DEADLINE_PASSED = "DEADLINE_PASSED"  # the stage's statutory time limit ran out (quá hạn)
    WARNING = "WARNING"  # an early warning before the deadline (nhắc việc, từ sớm, từ xa)
    ESCALATION = "ESCALATION"  # a step up the ladder after the deadline (đôn đốc, báo cáo cấp trên)
    POSTPONEMENT_REQUESTED = "POSTPONEMENT_REQUESTED"  # xin lùi, xin hoãn
    POSTPONEMENT_DECIDED = "POSTPONEMENT_DECIDED"  # approved or refused
    SESSION_RESCHEDULED = "SESSION_RESCHEDULED"  # the target session's opening date moved
    SESSION_SLIPPED = "SESSION_SLIPPED"  # a cut-off was missed: the draft moves to the next session
    DISAGREEMENT_RAISED = "DISAGREEMENT_RAISED"  # ministries still disagree after the Government Office's coordination
    DISAGREEMENT_ESCALATED = "DISAGREEMENT_ESCALATED"  # the Deputy Prime Minister sends the point to the Prime Minister
    DISAGREEMENT_RULED = "DISAGREEMENT_RULED"  # the ruling that binds the draft (ý kiến chỉ đạo)
    AGENCY_REMAPPED = "AGENCY_REMAPPED"  # the lead ministry's code was replaced after a reorganisation
    MEETING_SCHEDULED = "MEETING_SCHEDULED"  # the Standing Committee meeting before the target session was set or moved
    PROGRAMME_CHANGED = "PROGRAMME_CHANGED"  # added, deferred, withdrawn, moved to another track or session procedure
    CONSULTATION_OPENED = "CONSULTATION_OPENED"  # a round of opinions was asked (lấy ý kiến)
    OPINION_RECEIVED = "OPINION_RECEIVED"  # a consultee answered
    CONSULTEE_SILENT = "CONSULTEE_SILENT"  # a consultee had not answered when the window closed
    CONSULTATION_COMPILED = "CONSULTATION_COMPILED"  # the compilation, each comment accepted or explained
    CONSULTATION_LOST = "CONSULTATION_LOST"  # a round ended (terminated, timed out, failed) without handing back its result
    CONSULTATION_CANCELLED = "CONSULTATION_CANCELLED"  # a round still open when its draft ended (withdrawn, rejected): cancelled
    CONSULTATION_RESCHEDULED = "CONSULTATION_RESCHEDULED"  # a round's window moved with the session it counts back from
    DEADLINE_RECOUNTED = "DEADLINE_RECOUNTED"  # the Government announced or moved rest days: the deadline (or a cut-off ahead) counts again
    POSTPONEMENT_CONFLICT = "POSTPONEMENT_CONFLICT"  # an approved date no longer fits the session's cut-off; for the Government Office


class EscalationLevel(str, Enum):
    """Who is told, in order, as a deadline slips further (the follow-up ladder of the rulebook)."""

    RESPONSIBLE_OFFICIAL = "RESPONSIBLE_OFFICIAL"  # chuyên viên, lãnh đạo đơn vị chủ trì
    HEAD_OF_AGENCY = "HEAD_OF_AGENCY"  # Bộ trưởng, Thủ trưởng cơ quan
    VPCP = "VPCP"  # Văn phòng Chính phủ
    DEPUTY_PM = "DEPUTY_PM"  # Phó Thủ tướng phụ trách
    # The Assembly's side, for the stages its bodies decide (a stage's own `escalation`, editions 2025.7 and 2015.7 on).
    VPQH = "VPQH"  # Văn phòng Quốc hội
    UBTVQH = "UBTVQH"  # Ủy ban Thường vụ Quốc hội


class CallerRole(str, Enum):
    """The role an HTTP API token acts in: one of the process's actors, or an operator who reads."""

    LEAD_MINISTRY = "LEAD_MINISTRY"
    MOJ = "MOJ"
    VPCP = "VPCP"
    DEPUTY_PM = "DEPUTY_PM"
    PM = "PM"
    GOVERNMENT = "GOVERNMENT"
    NA_COMMITTEE = "NA_COMMITTEE"
    UBTVQH = "UBTVQH"
    NA = "NA"
    PRESIDENT = "PRESIDENT"
    MTTQ = "MTTQ"
    CONSULTEE = "CONSULTEE"
    OPERATOR = "OPERATOR"  # Government Office / National Assembly Office staff: read everything but classified details

    @property
    def actor(self) -> Actor | None:
        return None if self is CallerRole.OPERATOR else Actor(self.value)
