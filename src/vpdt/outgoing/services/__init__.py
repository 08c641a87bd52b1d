"""Outgoing documents: drafting, versions, the review chain and issuing (SPEC §3).

* :mod:`.drafting` — the draft, its recipients, versions and comments;
* :mod:`.review` — the review chain: plan, submission, approval or return, consultations, cancelling;
* :mod:`.issue` — number, seal and delivery by the clerk, the drafter's confirmation, recall.

Every change goes through these functions, inside one transaction, and is journaled. The lifecycle is the
explicit :data:`DOCUMENT` machine; review steps follow :data:`STEP`.

Drafting → (submit) in review → steps approve one after another → approved → (clerk issues) issued.
Any step may return the draft to the drafter, who revises and submits again (a new round). Reviewers may
edit (a new version) and consult others; disagreement notes are carried up the chain.
"""

from .drafting import (
    DRAFT_FIELDS,
    SIGNER_MESSAGE,
    SIGNER_ROLES,
    RecipientSpec,
    active_step,
    add_comment,
    create_draft,
    document_url,
    latest_version,
    revise,
    unit_leaders,
    update_draft,
)
from .issue import confirm, issue, recall
from .review import DEFAULT_STEPS, PlannedStep, answer, approve, cancel, chain_for, consult, plan, return_draft, submit

__all__ = [
    "DEFAULT_STEPS",
    "DRAFT_FIELDS",
    "PlannedStep",
    "RecipientSpec",
    "SIGNER_MESSAGE",
    "SIGNER_ROLES",
    "active_step",
    "add_comment",
    "answer",
    "approve",
    "cancel",
    "chain_for",
    "confirm",
    "consult",
    "create_draft",
    "document_url",
    "issue",
    "latest_version",
    "plan",
    "recall",
    "return_draft",
    "revise",
    "submit",
    "unit_leaders",
    "update_draft",
]
