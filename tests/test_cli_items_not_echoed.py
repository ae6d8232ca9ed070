"""Found by a lead ministry's trial: `legis file ID FILE` with one document whose url is http:// (not https://) is
refused naming `documents.0.url` (right), and then also `documents: List should have at least 1 item, not 0 (rule:
too_short)`, although the filing holds one document: an official looks for an empty list and finds none. The HTTP API
leaves that echo out (`api.problems`: "FastAPI also reports a list whose items failed as too short"); the CLI's files
(`cli.jsonfile.read_message`) keep it, so the same message is refused in different words by the two. Seen as:
`invalid: f2b.json: documents.0.url: an https:// address ... (rule: string_pattern_mismatch); documents: List should have
at least 1 item, not 0 (rule: too_short)`."""

from __future__ import annotations

import json

import pytest

from cli.failures import Invalid
from cli.jsonfile import read_message
from schemas.messages import DossierFiling

FILING = {"stage": "DRAFTING", "actor": "LEAD_MINISTRY", "agency_code": "BYT", "role": "DEPUTY_MINISTER", "official": "Thứ trưởng Bộ Y tế",
          "documents": [{"kind": "DRAFT_TEXT", "name": "Dự thảo Luật", "sha256": "7" * 64, "url": "http://moh.gov.vn/du-thao.pdf"}]}


def test_one_document_with_a_bad_url_is_not_said_to_be_an_empty_list(tmp_path):
    path = tmp_path / "filing.json"
    path.write_text(json.dumps(FILING, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Invalid) as refused:
        read_message(path, DossierFiling)
    said = str(refused.value)
    assert "documents.0.url" in said and "string_pattern_mismatch" in said
    assert "too_short" not in said and "not 0" not in said, said
