"""API: orders, applications, surveys, decisions, appeals, documents and worklists.

Thin endpoints: resolve objects through the scoped selectors (404 outside the viewer's branch or dealer),
call one service, answer one of the declared schemas (origination/schemas.py: one projection per viewer).
Amounts are decimal strings in rupiah. Writes that change an application take `expected_version` (the
`version` last read); a concurrent change answers 409 `stale_version`.

Privacy (UU 27/2022 PDP): lists mask NIK and phone; a dealer user only ever gets the dealer view of an
application (status, terms, the privacy-safe notice) and never income, bureau, survey or score data.

This module is the one router of origination (mounted by angsur/api.py); each sub-process keeps its routes
in its own module, beside its services:

- ``order_api``: capture an order, list and search, the detail, submit, cancel
- ``survey_api``: assign the survey, the draft, photos, complete it
- ``analysis_api``: the pre-check, the analysis and counter-offers, start it, the SLIK entry, correct the loans
- ``decision_api``: decide, appeal
- ``condition_api``: fulfil or waive a condition, accept the counter-offer
- ``document_api``: attach a checklist document
- ``worklist_api``: the caller's worklists
- ``quote_api``: price a quote, save one for a prospect, the prospects and their follow-up (tag "quotes")
- ``answers_api`` and ``inputs_api``: the answers (one projection per viewer) and input types they share

The routes keep the operationIds they had when they lived in this module (the quotes': in products) (``operation_id=`` on each):
dealer integrations generate their clients from the OpenAPI document. Two methods on one path share a
module (one sub-router), or the second would answer 405.
"""

from ninja import Router

from angsur.origination import (
    analysis_api,
    condition_api,
    decision_api,
    document_api,
    order_api,
    quote_api,
    survey_api,
    worklist_api,
)

router = Router(tags=["origination"])
for part in (order_api, analysis_api, survey_api, decision_api, condition_api, document_api, worklist_api):
    router.add_router("", part.router)
# the quotes keep their own tag in the OpenAPI document (they were products' routes)
router.add_router("", quote_api.router, tags=["quotes"])
