"""A public comment (and the lead ministry's published explanation) that shows nothing is `not_blank` (README, "Public
comments at national scale": "one that shows nothing, spaces, format characters such as a zero-width space or combining
marks with no letter to sit on, or characters drawn blank ... is `not_blank`").

Found by the public's trial: a comment made only of an unassigned default-ignorable code point (U+2065, U+FFF0,
U+E0FFF) or of the object replacement character (U+FFFC) is taken, numbered and counted, although Chromium draws each
of them 0 px wide: `schemas.text.shows_nothing` knows categories Cf/Mn/Mc/Me and a fixed list of blank letters, not
unassigned (Cn) default-ignorable code points. The same check guards the explanation the public reads
(`GroupAnswer.explanation`, `visible=True`), so an invisible explanation can be published as the reason.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schemas.public import GroupAnswer
from tests.test_board_forms import app_client, posted_round

# Each of these is drawn 0 px wide by Chromium (measured with the project's headless Chromium).
INVISIBLE = ["\u2065", "\ufff0", "\U000e0fff", "\ufffc", "\u2065\ufff0 \U000e0080"]


@pytest.mark.parametrize("text", INVISIBLE, ids=lambda t: "+".join(f"U+{ord(c):04X}" for c in t))
async def test_a_comment_that_shows_nothing_is_refused_not_blank(pool, text):
    sid = await posted_round(pool, "BLANK")
    async with app_client(pool) as http:
        sent = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"text": text})
        assert sent.status_code == 422, (sent.status_code, sent.text)
        assert sent.json()["rule"] == "not_blank" and sent.json()["field"] == "text", sent.text
        shown = (await http.get(f"/v1/public/consultations/{sid}/cong-khai")).json()
        assert shown["comments"] == 0, "a comment that shows nothing was counted"


@pytest.mark.parametrize("text", INVISIBLE, ids=lambda t: "+".join(f"U+{ord(c):04X}" for c in t))
def test_an_explanation_the_public_reads_that_shows_nothing_is_refused(text):
    with pytest.raises(ValidationError) as refused:
        GroupAnswer(agency_code="BGDDT", official="Vụ trưởng", article=3, response="EXPLAINED", explanation=text)
    assert any(error["type"] == "not_blank" for error in refused.value.errors()), refused.value.errors()
