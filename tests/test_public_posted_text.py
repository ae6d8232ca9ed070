"""What the public reads beside a posted draft: the text the round posted, not what the lead ministry files meanwhile
(found by a public trial). Through the HTTP API and the public page, a real Temporal and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.drafts import draft_text
from tests.holding import HoldClose
from tests.http_api import body
from tests.polling import eventually
from tests.test_public_consultation import posted_draft, public_api

POSTED = "https://duthaoonline.quochoi.vn/du-thao-luat"


@pytest.mark.parametrize("url", [None, "https://duthaoonline.quochoi.vn/du-thao-luat-ban-3"])
async def test_a_revision_filed_while_the_window_is_open_leaves_the_posted_text_on_the_public_page(time_skipping_env, pool, url):
    """An internal revision of the text filed without its `url` while citizens still commented left the page saying "No
    document published yet" (Chưa có tài liệu được đăng tải); one filed with a `url` put another text under the comments
    already given. The page and the API list the documents of the dossier as it stood when the round was posted."""
    async with public_api(time_skipping_env, pool, HoldClose()) as api:
        request, lead = await posted_draft(api, pool, "cong-khai")
        sid = request.submission_id
        assert [d["url"] for d in (await api.get(f"/v1/public/consultations/{sid}/cong-khai")).json()["documents"]] == [POSTED]
        revision = body(draft_text(request))
        revision["documents"][0] |= {"name": "Dự thảo Luật (bản chỉnh lý lần 3)", "sha256": "9" * 64}
        revision["documents"][0].pop("url")
        if url:
            revision["documents"][0]["url"] = url
        assert (await api.post(f"/v1/submissions/{sid}/dossier", json=revision, headers=lead)).status_code == 200
        await eventually(lambda: api.get(f"/v1/submissions/{sid}/versions", headers=lead), lambda answer: "bản chỉnh lý lần 3" in answer.text)
        shown = (await api.get(f"/v1/public/consultations/{sid}/cong-khai")).json()
        assert shown["closed"] is False and [d["url"] for d in shown["documents"]] == [POSTED], shown["documents"]
        page = (await api.get(f"/public/{sid}/cong-khai")).text
        assert POSTED in page and "Chưa có tài liệu được đăng tải" not in page and "bản chỉnh lý lần 3" not in page
