"""A document may say where it is read (`DocumentRef.url`, an https address), and the public consultation pages and the
board link its name there. Found by a fresh-user trial as a member of the public: the round's page listed the documents
by name and code, with no way to read the draft asked about."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schemas.enums import ConsultationKind, DocumentKind
from schemas.messages import DocumentRef
from tests.drafts import consultation, draft_text
from tests.holding import HoldClose
from tests.http_api import body, problem
from tests.polling import eventually
from tests.test_board_pages import signed_in
from tests.test_public_consultation import posted_draft, public_api

PORTAL = "https://vbpl.vn/bogiaoducdaotao/Pages/du-thao.aspx?ItemID=1234&lang=vi"


@pytest.mark.parametrize("url", ["http://vbpl.vn/x", "javascript:alert(1)", "https://vbpl.vn/dự-thảo", "https://a b", "https://",
                                 "https://" + "u" * 493, "ftp://vbpl.vn/x"])
def test_a_document_s_address_is_https_printable_ascii_and_bounded(url):
    with pytest.raises(ValidationError) as refused:
        DocumentRef(kind=DocumentKind.DRAFT_TEXT, name="Dự thảo", sha256="7" * 64, url=url)
    [error] = refused.value.errors()
    assert error["loc"] == ("url",) and error["type"] == "string_pattern_mismatch"


def test_a_document_without_an_address_is_written_as_before():
    plain = DocumentRef(kind=DocumentKind.DRAFT_TEXT, name="Dự thảo", sha256="7" * 64)
    assert "url" not in plain.model_dump_json()  # the digest of a message sent before is the same
    assert DocumentRef(kind=DocumentKind.DRAFT_TEXT, name="Dự thảo", sha256="7" * 64, url="https://" + "u" * 492).url


async def test_the_public_page_and_the_board_link_a_document_to_where_it_is_read(time_skipping_env, pool):
    async with public_api(time_skipping_env, pool, HoldClose()) as api:
        request, lead = await posted_draft(api, pool)
        sid = request.submission_id
        filing = body(draft_text(request))
        filing["documents"][0] |= {"name": "Dự thảo Luật (bản công khai)", "sha256": "8" * 64, "url": PORTAL}
        assert (await api.post(f"/v1/submissions/{sid}/dossier", json=filing, headers=lead)).status_code == 200
        # Posted with that text: the public reads the dossier as it stood when the round was posted.
        opening = body(consultation(request, "cong-khai", (), kind=ConsultationKind.PUBLIC_POSTING))
        assert (await api.post(f"/v1/submissions/{sid}/consultations", json=opening, headers=lead)).status_code == 200
        linked = f'<a href="{PORTAL.replace("&", "&amp;")}" rel="noopener noreferrer">Dự thảo Luật (bản công khai)</a>'
        # The pages read the dossier from the audit trail, written just after the filing's answer.
        await eventually(lambda: api.get(f"/public/{sid}/cong-khai"), lambda page: linked in page.text)
        # A document filed without where it is read is not published: the board lists it, the public page does not (found
        # by a ministry's trial: every internal document of the dossier was named to the public).
        internal = body(draft_text(request))
        internal["documents"][0] |= {"kind": "IMPACT_ASSESSMENT", "name": "Báo cáo nội bộ", "sha256": "9" * 64}
        del internal["documents"][0]["url"]
        assert (await api.post(f"/v1/submissions/{sid}/dossier", json=internal, headers=lead)).status_code == 200
        await eventually(lambda: api.get(f"/v1/submissions/{sid}/versions", headers=lead), lambda answer: "Báo cáo nội bộ" in answer.text)
        public_page = (await api.get(f"/public/{sid}/cong-khai")).text
        assert linked in public_page and "Báo cáo nội bộ" not in public_page, public_page[-2000:]
        # Its kind named as the law names it, not by its code (found by a public trial: "(DRAFT_TEXT)" to a citizen).
        assert f'{linked} <span class="vi">(Dự thảo)</span>' in public_page and "DRAFT_TEXT" not in public_page
        await signed_in(api, pool, language="en")
        board = (await api.get(f"/board/drafts/{sid}")).text
        assert f'Draft text <span class="vi">(DRAFT_TEXT)</span>: {linked}' in board
        assert "Báo cáo nội bộ" in board
        filing["documents"][0] |= {"url": "javascript:alert(1)"}
        problem(await api.post(f"/v1/submissions/{sid}/dossier", json=filing, headers=lead), 422, "string_pattern_mismatch", "documents.0.url")
