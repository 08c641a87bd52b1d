"""Incoming documents (SPEC §2): the commands the screens, the API and other apps call.

* :mod:`.registration` — vào sổ by the clerk, trình to the leader;
* :mod:`.direction` — the leader's direction (bút phê);
* :mod:`.processing` — the processing of assignments, the withdrawal of a recalled document;
* :mod:`.followup` — replies (phúc đáp) and reminders of deadlines;
* :mod:`.amendments` — the sender's update or replacement of a registered document.

What the screens and the API only read (inboxes, due states, late units, the trail) is :mod:`vpdt.incoming.queries`.

Who may act is decided by :mod:`vpdt.incoming.lifecycle` alone.
"""

from ..lifecycle import OPEN
from .amendments import amend, supersede
from .direction import Target, direct
from .followup import link_draft_reply, link_issued_reply, link_reply, request_reply, send_reminders
from .processing import add_note, complete, distribute, mark_read, reassign, return_to_leader, withdraw
from .registration import (
    DuplicateWarning,
    Registered,
    RestrictedCategory,
    default_register,
    duplicate_key,
    find_duplicate,
    register_document,
    submit,
    submit_batch,
)

__all__ = [
    "OPEN",
    "amend",
    "supersede",
    "DuplicateWarning",
    "Registered",
    "RestrictedCategory",
    "Target",
    "add_note",
    "complete",
    "default_register",
    "direct",
    "distribute",
    "duplicate_key",
    "find_duplicate",
    "link_draft_reply",
    "link_issued_reply",
    "link_reply",
    "mark_read",
    "reassign",
    "register_document",
    "request_reply",
    "return_to_leader",
    "send_reminders",
    "submit",
    "submit_batch",
    "withdraw",
]
