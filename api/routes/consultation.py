"""A consultation round of a draft: how it stands, the opinions sent to it, and the lead ministry's compilation.

Comment texts and explanations are stored in PostgreSQL (content-addressed) before the round is told of them: the
round receives their SHA-256 and size, so its messages stay small whatever the consultees write.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from api import permissions
from api.deps import Authenticated, IdempotencyKey, database, known_parameters, link_after, relayed, temporal, withhold_refusals
from api.examples import examples
from api.idempotency import answer_once, key_scope
from api.plumbing import Router
from schemas.consultation import Compilation, CompilationBody, ConsultationView, Opinion, OpinionBody, OpinionReceipt, RoundCommentsPage
from schemas.messages import AgencyCode, RoundId, SubmissionId
from store import public, round_comments, texts
from workflows import client as drafts
from workflows import round_client, round_requests
from workflows.admissions import admits_no_secret

router = Router(prefix="/v1/submissions/{submission_id}/consultations/{round_id}", tags=["consultation"])


@router.get("", operation_id="readConsultation", summary="How a consultation round stands", response_model=ConsultationView,
            dependencies=[Depends(known_parameters())])
async def read_consultation(submission_id: SubmissionId, round_id: RoundId, who: Authenticated, http: Request) -> ConsultationView:
    """Who answered, who is awaited or silent, which comments still need an answer."""
    view = await temporal(http, drafts.status(http.app.state.client, submission_id))
    found = await temporal(http, round_client.consultation_and_end(http.app.state.client, submission_id, round_id), "round_id")
    return permissions.round_for(who, await database(public.counted(http.app.state.pool, submission_id, found)), view)


@router.get("/opinions", operation_id="readOpinionComments", summary="The comments of a round's opinions, with their answers",
            response_model=RoundCommentsPage, dependencies=[Depends(known_parameters("after", "consultee", "limit"))])
async def read_opinion_comments(
    submission_id: SubmissionId, round_id: RoundId, who: Authenticated, http: Request, response: Response,
    after: Annotated[int, Query(ge=0, le=2**31 - 1, description="comments after this position")] = 0,
    consultee: Annotated[AgencyCode | None, Query(description="one consultee's comments only")] = None,
    limit: Annotated[int, Query(ge=1, le=round_comments.PAGE, description="comments a page holds at most")] = round_comments.PAGE,
) -> RoundCommentsPage:
    """Each comment of the opinions the round took (ý kiến góp ý), its text, and the lead ministry's answer once compiled
    (tiếp thu: ACCEPTED; giải trình: EXPLAINED, with the explanation), in the order the round took them. A page holds at
    most `limit` comments (50) and about 1 MB of texts; `next_after` (and the `Link` header's `next`) gives the `after` of
    the next page. The public's comments on a public posting are read at `.../comments`. A classified draft's are for its
    lead ministry alone (403 `classified_comments`). A round that took an opinion with comments before this was
    recorded (an earlier release) lists none. A page ends before the comments of an opinion still being recorded, so
    that reading on from the last `next_after` (or the last position) never passes over one."""
    view = await temporal(http, drafts.status(http.app.state.client, submission_id))
    permissions.check_reads_comments(who, view)
    through = await temporal(http, round_client.recorded_through(http.app.state.client, submission_id, round_id), "round_id")
    page = await database(round_comments.page(http.app.state.pool, submission_id, round_id, after=after, consultee=consultee, limit=limit,
                                              through=through))
    if not page.comments and not await database(round_comments.recorded(http.app.state.pool, submission_id, round_id)):
        # Nothing recorded: a round the draft does not have is named as such (404 `round_id`), not answered empty, whatever
        # the page asked (found by a breaker: `after` past the end read an unknown round as empty).
        await temporal(http, round_client.consultation(http.app.state.client, submission_id, round_id), "round_id")
    link_after(http, response, page.next_after)
    return page


async def _stored_if_taken(http: Request, submission_id: str, round_id: str, body: OpinionBody | CompilationBody,
                           update_id: str) -> Opinion | Compilation:
    """The message by reference, once the round says it would take it now (as `legis consult`'s `_taken_by`), its texts
    stored only then: a refused message leaves none (found by a breaker: megabytes a request)."""
    admits_no_secret(body)
    message = body.by_reference([texts.reference(text) for text in body.texts()])
    if (refused := await temporal(http, round_client.refusal_of(http.app.state.client, submission_id, round_id, message, update_id=update_id),
                                  "round_id")) is not None:
        raise relayed(http, refused)  # as the round's update would
    await database(texts.put(http.app.state.pool, body.texts()))
    return message


@router.post("/opinions", operation_id="submitOpinion", summary="A consultee's opinion (ý kiến góp ý)", response_model=OpinionReceipt)
async def submit_opinion(submission_id: SubmissionId, round_id: RoundId, who: Authenticated, http: Request, *,
                         opinion: Annotated[OpinionBody, Body(openapi_examples=examples("10-opinion"))], key: IdempotencyKey = None) -> Response:
    """A consultee's opinion, in its own name (the lead ministry's system forwards the public's, as PUBLIC)."""
    async def run() -> Response:
        view = await temporal(http, drafts.status_and_end(http.app.state.client, submission_id))
        withhold_refusals(http, who, view)
        update_id = round_requests.update_id(who.pseudonym(submission_id), key, opinion)
        permissions.check_opinion(who, opinion=opinion, draft=view)
        client = http.app.state.client
        if (first := await temporal(http, round_client.round_answer(client, submission_id, round_id, update_id, OpinionReceipt,
                                                                          sent_before=round_requests.sent_before(who.token_id, key, opinion)), "round_id")) is not None:
            return JSONResponse(first.model_dump(mode="json"))
        if (ended := drafts.ended_for_rounds(view, "opinion")) is not None:  # found by a breaker
            raise relayed(http, ended)
        by_reference = await _stored_if_taken(http, submission_id, round_id, opinion, update_id)
        receipt = await temporal(http, round_client.submit_opinion(http.app.state.client, submission_id, round_id, by_reference,
                                                             update_id=update_id), "round_id")
        return JSONResponse(receipt.model_dump(mode="json"))

    return await answer_once(http, key_scope(who), key, run)


@router.post("/compilation", operation_id="compileConsultation", summary="The lead ministry's compilation (tổng hợp, tiếp thu, giải trình)", response_model=ConsultationView)
async def compile_round(submission_id: SubmissionId, round_id: RoundId, who: Authenticated, http: Request, *,
                        compilation: Annotated[CompilationBody, Body(openapi_examples=examples("11-compilation"))],
                        key: IdempotencyKey = None) -> Response:
    """The lead ministry accepts or explains every comment; this ends the round."""
    async def run() -> Response:
        permissions.check_acting(who, compilation)
        client = http.app.state.client
        view = await temporal(http, drafts.status_and_end(client, submission_id))
        withhold_refusals(http, who, view)
        # Before the round is asked: another ministry learns nothing of a classified draft's rounds or lead ministry.
        permissions.check_leads(who, view, "the compilation")
        update_id = round_requests.update_id(who.pseudonym(submission_id), key, compilation)
        if (first := await temporal(http, round_client.round_answer(client, submission_id, round_id, update_id, ConsultationView,
                                                                          sent_before=round_requests.sent_before(who.token_id, key, compilation)), "round_id")) is not None:
            return JSONResponse(permissions.round_for(who, first, view).model_dump(mode="json"))
        if (ended := drafts.ended_for_rounds(view, "compilation")) is not None:  # its round would fail (found by a breaker)
            raise relayed(http, ended)
        round_now = await temporal(http, round_client.consultation(client, submission_id, round_id), "round_id")
        await database(public.check_answered(http.app.state.pool, submission_id, round_now))
        by_reference = await _stored_if_taken(http, submission_id, round_id, compilation, update_id)
        compiled = await temporal(http, round_client.compile_round(http.app.state.client, submission_id, round_id, by_reference,
                                                             lead_ministry=view.lead_ministry, update_id=update_id), "round_id")
        return JSONResponse(permissions.round_for(who, compiled, view).model_dump(mode="json"))

    return await answer_once(http, key_scope(who), key, run)

