"""Found by a re-check of the shared filter of echoes ("a list whose items failed is not also said to be too short ... one shared filter").

The API and `legis file` now leave out pydantic's echo of a list whose items failed ("documents: List should have at
least 1 item, not 0"). The third front door the README names for the same messages, a Temporal client (`temporal
workflow update execute --name file_dossier`, refused by the data converter "as the draft refuses a message"), still
says it:

    temporal workflow update execute --address ... --codec-endpoint .../codec --codec-auth "Bearer <operator>" \
        --workflow-id draft-law-BGDDT-2026-017 --name file_dossier --input-file filing_http.json
    Error: unable to update workflow: documents.0.url: an https:// address ... (and 1 more: documents (too_short))
        (rule: string_pattern_mismatch) (type: Refused, retryable: false)

while `legis file BGDDT-2026-017 filing_http.json` says only `documents.0.url ... (rule: string_pattern_mismatch)`.
`Refused.invalid` / `Refused.of_errors` (schemas/refusal.py), which the converter uses, do not call `without_echoes`.
"""
from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError

from schemas.messages import DossierFiling
from workflows.codec import RefusingPayloadConverter

FILING = {"stage": "DRAFTING", "actor": "LEAD_MINISTRY", "agency_code": "BGDDT", "role": "DEPUTY_MINISTER", "official": "Thứ trưởng",
          "documents": [{"kind": "DRAFT_TEXT", "name": "Dự thảo Luật", "sha256": "7" * 64, "url": "http://moet.gov.vn/du-thao.pdf"}]}


def test_a_raw_updates_one_document_with_a_bad_url_is_not_said_to_be_an_empty_list():
    converter = RefusingPayloadConverter()
    [payload] = converter.to_payloads([FILING])
    with pytest.raises(ApplicationError) as refused:
        converter.from_payloads([payload], [DossierFiling])
    said = str(refused.value)
    assert "documents.0.url" in said and "string_pattern_mismatch" in said, said
    assert "too_short" not in said, said  # as the API and `legis file` say it: the list holds one document
