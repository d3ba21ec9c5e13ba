"""Writes for origination. One service per transition: lock, check the workflow, change, audit.

Locks: the application row is taken with select_for_update() and its `version` compared with the
version the user saw, so two analysts deciding at once cannot both win (the second gets a 409).

This module is the one import surface of origination's services; each sub-process lives in its own module:

- ``order_services``: capture an order (parties, vehicle, household, duplicate flags, idempotency), submit, cancel
- ``survey_services``: assign the survey, save the draft, photos, complete it
- ``analysis_services``: start the analysis, the SLIK entry, correct the existing loans
- ``decision_services``: decide (approve, approve with conditions and the counter-offer, reject, escalate), appeal
- ``condition_services``: accept the counter-offer, fulfil or waive a condition
- ``document_services``: attach a checklist document
- ``transition_services``: the lock, the workflow transition and the actor checks they all share

Import from here (``from angsur.origination.services import decision_record``). To patch a name in a test,
patch it in the module that uses it (e.g. ``angsur.origination.survey_services._survey_for``).
"""

from angsur.origination.analysis_services import BUREAU_STATES, analysis_start, bureau_check_record, obligations_correct
from angsur.origination.condition_services import CONDITION_RESOLUTIONS, condition_resolve, conditions_accept
from angsur.origination.decision_services import (
    APPROVALS,
    CONDITIONS_NEEDING_DETAIL,
    CURABLE_BY_COUNTER_OFFER,
    MAX_CONDITIONS,
    OUTCOME_ACTION,
    TERMS_CONDITIONS,
    ConditionData,
    appeal_file,
    decision_record,
)
from angsur.origination.document_services import document_upload
from angsur.origination.order_services import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    HouseholdData,
    PartyData,
    VehicleData,
    application_cancel,
    application_create,
    application_submit,
    identifier_normalised,
    identity_error,
)
from angsur.origination.survey_services import (
    SURVEY_FIELDS,
    InformantData,
    survey_assign,
    survey_complete,
    survey_photo_add,
    survey_save_draft,
)

__all__ = [
    "APPROVALS",
    "BUREAU_STATES",
    "CONDITIONS_NEEDING_DETAIL",
    "CONDITION_RESOLUTIONS",
    "CURABLE_BY_COUNTER_OFFER",
    "IDEMPOTENCY_KEY_MAX_LENGTH",
    "MAX_CONDITIONS",
    "OUTCOME_ACTION",
    "SURVEY_FIELDS",
    "TERMS_CONDITIONS",
    "ConditionData",
    "HouseholdData",
    "InformantData",
    "PartyData",
    "VehicleData",
    "analysis_start",
    "appeal_file",
    "application_cancel",
    "application_create",
    "application_submit",
    "bureau_check_record",
    "condition_resolve",
    "conditions_accept",
    "decision_record",
    "document_upload",
    "identifier_normalised",
    "identity_error",
    "obligations_correct",
    "survey_assign",
    "survey_complete",
    "survey_photo_add",
    "survey_save_draft",
]
