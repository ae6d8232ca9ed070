"""Found by a breaker of the twenty-ninth generation: the twenty-ninth generation takes the same bytes filed again when their address (or name) is new
(`Change.file`); but the same bytes filed again without their size, all else as held, make a new dossier version and drop
the size, where the twenty-eighth kept the version (the same sha256) and the url is kept (`_as_known`)."""

from __future__ import annotations

import pytest

from schemas.enums import Actor, DocumentKind, Role, Stage
from schemas.messages import DossierFiling
from tests.drafts import NOW, core_request, core_state, document
from workflows import draft


@pytest.mark.parametrize("generation", [28, 29])
def test_the_same_bytes_filed_again_without_their_size_are_the_same_version(generation):
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING).model_copy(update={"generation": generation})
    sized = document(DocumentKind.DRAFT_TEXT).model_copy(update={"size_bytes": 48_213})
    filing = DossierFiling(stage=Stage.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                           official="Bộ trưởng", documents=(sized,))
    first = draft.perform(draft.FILE_DOSSIER, state, filing, NOW).state
    again = draft.perform(draft.FILE_DOSSIER, first, filing.model_copy(update={"documents": (document(DocumentKind.DRAFT_TEXT),)}), NOW).state
    held = next(d for d in again.dossier if d.kind is DocumentKind.DRAFT_TEXT)
    assert again.dossier_version == first.dossier_version, f"version {first.dossier_version} -> {again.dossier_version} for the same bytes"
    assert held.size_bytes == 48_213, held
