"""Found by a lead ministry's trial: a public posting refused `posted_text_published` ("file it again with its url")
stays refused after the ministry does exactly that with the same text (the same SHA-256), since a filing whose hashes the
dossier already holds changes nothing in it, its url included. README, Consultation rounds: "file it again with its address"."""

from __future__ import annotations

from schemas.enums import Actor, ConsultationKind, DocumentKind, Role, Stage
from schemas.messages import DossierFiling
from tests.drafts import NOW, consultation, core_request, core_state, document, published
from workflows import draft


def test_the_draft_text_filed_again_with_its_url_opens_the_public_posting():
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    filing = DossierFiling(stage=Stage.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                           official="Bộ trưởng", documents=(document(DocumentKind.DRAFT_TEXT),))
    without_url = draft.perform(draft.FILE_DOSSIER, state, filing, NOW).state
    # As the refusal says: the same text filed again, with the address where the public reads it.
    again = filing.model_copy(update={"documents": (published(DocumentKind.DRAFT_TEXT),)})
    assert again.documents[0].sha256 == filing.documents[0].sha256
    with_url = draft.perform(draft.FILE_DOSSIER, without_url, again, NOW).state
    posted = next(d for d in with_url.dossier if d.kind is DocumentKind.DRAFT_TEXT)
    assert posted.url == again.documents[0].url
    draft.validate(draft.OPEN_CONSULTATION, with_url, consultation(request, "CK-1", consultees=(), kind=ConsultationKind.PUBLIC_POSTING), NOW)
