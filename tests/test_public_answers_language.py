"""On the English public page, the lead ministry's explanations, written in Vietnamese, are marked `lang="vi"`, as the
page marks the draft's title and the documents' names, so that a screen reader reads them with Vietnamese voice.

Found by the public's trial: in English (`legis_lang=en`), `<h1 lang="vi">` holds the title and each document link
`lang="vi"`, but the answers' table gives the explanation as `<td class="lines">Chế độ phụ cấp ...</td>`, with no
language: a screen reader set to English reads the Vietnamese explanation, the one text the public came back for, with
English pronunciation (WCAG 2.1 SC 3.1.2, Language of Parts). README ("The board and public consultation"): the pages
are in Vietnamese with an English switch; the explanations are the lead ministry's own words, not translated.
"""

from __future__ import annotations

import re

from schemas.public import GroupAnswer
from store import public
from tests.test_board_forms import app_client, posted_round

EXPLANATION = "Chế độ phụ cấp do Chính phủ quy định tại Nghị định hướng dẫn."


async def test_the_english_page_marks_the_vietnamese_explanation_as_vietnamese(pool):
    sid = await posted_round(pool, "LANG")
    await pool.execute("INSERT INTO public_comments (submission_id, round_id, article, body, fingerprint) "
                       "VALUES ($1, 'cong-khai', 7, 'Điều 7 cần quy định rõ chế độ phụ cấp.', sha256(convert_to($1, 'UTF8')))", sid)
    await public.close(pool, sid, "cong-khai")
    await public.answer(pool, sid, "cong-khai", GroupAnswer(agency_code="BGDDT", official="Vụ trưởng", article=7,
                                                             response="EXPLAINED", explanation=EXPLANATION))
    async with app_client(pool) as http:
        http.cookies.set("legis_lang", "en")
        page = (await http.get(f"/public/{sid}/cong-khai")).text
    assert '<html lang="en">' in page and '<h1 lang="vi">' in page, page[:400]
    cell = re.search(r"<td[^>]*>" + re.escape(EXPLANATION), page)
    assert cell, page[page.find("<table"):][:1500]
    # The explanation, or an element around it inside its cell, says its language.
    assert 'lang="vi"' in cell.group(0), f"the explanation is given without its language: {cell.group(0)}"
