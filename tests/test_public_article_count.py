"""A draft posted for the public's comments with its count of articles (found by two public consultation trials: a
comment on "Điều 9999" was taken of any draft, no posting able to say how many articles its draft has)."""

from __future__ import annotations

from schemas.enums import ConsultationKind
from store import public
from tests.drafts import consultation, draft_text
from tests.holding import HoldClose
from tests.http_api import body, problem
from tests.polling import eventually
from tests.test_public_consultation import posted_draft, public_api


async def test_a_posting_gives_its_articles_and_a_comment_past_them_is_refused(dev_env, pool):
    async with public_api(dev_env, pool, HoldClose(), public_comment_rate="none") as api:
        request, lead = await posted_draft(api, pool)
        sid = request.submission_id
        filed = await api.post(f"/v1/submissions/{sid}/dossier", json=body(draft_text(request)), headers=lead)
        assert filed.status_code == 200, filed.text
        written = body(consultation(request, "hoi-bo")) | {"articles": 12}
        problem(await api.post(f"/v1/submissions/{sid}/consultations", json=written, headers=lead), 422, "articles_for_posting", "articles")
        posting = consultation(request, "cong-khai", (), kind=ConsultationKind.PUBLIC_POSTING, articles=12)
        assert (await api.post(f"/v1/submissions/{sid}/consultations", json=body(posting), headers=lead)).status_code == 200
        await eventually(lambda: public.public_round(pool, sid, "cong-khai"), lambda found: found is not None)

        assert (await api.get(f"/v1/public/consultations/{sid}/cong-khai")).json()["articles"] == 12
        assert "Số Điều, từ 1 đến 12, hoặc để trống nếu góp ý chung cho cả dự thảo" in (await api.get(f"/public/{sid}/cong-khai")).text
        comments = f"/v1/public/consultations/{sid}/cong-khai/comments"
        problem(await api.post(comments, json={"article": 13, "text": "Góp ý Điều 13"}), 422, "article_in_draft", "article")
        assert (await api.post(comments, json={"article": 12, "text": "Góp ý Điều 12"})).status_code == 201
        assert (await api.post(comments, json={"text": "Góp ý chung"})).status_code == 201
