"""Incoming documents (SPEC §2): the commands the screens, the API and other apps call.

* :mod:`.registration` — vào sổ by the clerk, trình to the leader;
* :mod:`.processing` — the leader's direction and the processing of assignments, the withdrawal of a recalled
  document;
* :mod:`.followup` — replies (phúc đáp), inboxes, deadlines, reminders and the processing trail.

Who may act is decided by :mod:`vpdt.incoming.lifecycle` alone.
"""

from ..lifecycle import OPEN
from .followup import (
    BOXES,
    due_state,
    inbox,
    late_units,
    link_draft_reply,
    link_issued_reply,
    link_reply,
    request_reply,
    send_reminders,
    trail,
    unit_queue,
)
from .processing import Target, add_note, complete, direct, distribute, mark_read, reassign, return_to_leader, withdraw
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
    "BOXES",
    "OPEN",
    "DuplicateWarning",
    "Registered",
    "RestrictedCategory",
    "Target",
    "add_note",
    "complete",
    "default_register",
    "direct",
    "distribute",
    "due_state",
    "duplicate_key",
    "find_duplicate",
    "inbox",
    "late_units",
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
    "trail",
    "unit_queue",
    "withdraw",
]
