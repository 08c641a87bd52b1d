"""Incoming documents API: registers, documents (registration, submission, direction) and assignments.

Viewsets only translate HTTP to calls of :mod:`vpdt.incoming.services`; every rule lives there. What a caller
sees is :func:`vpdt.core.authz.visible`; what they may do with a document or an assignment is its ``actions``
(:func:`vpdt.incoming.lifecycle.available_actions`, ``assignment_actions``): exactly the calls the services accept.
Errors are Vietnamese JSON (``vpdt.core.api.exception_handler``).

* :mod:`.serializers` — what the API answers; :mod:`.inputs` — what it accepts;
* :mod:`.filters` — the document list's filters, a document's detail, the inbox boxes;
* :mod:`.registers` — the registers; :mod:`.viewsets` — documents and assignments.

In responses, choice fields (status, role, kind, source, urgency) are plain values with a ``*_display`` label;
enums appear only in request bodies, one component each. The project already has enums named ``status`` and
``role`` (accounts, directory): a second choice set under a name used in several components would make
drf-spectacular's enum naming ambiguous (a warning that fails ``check --deploy``).
"""

from .registers import IncomingRegisterViewSet
from .viewsets import IncomingAssignmentViewSet, IncomingDocumentViewSet

__all__ = ["IncomingAssignmentViewSet", "IncomingDocumentViewSet", "IncomingRegisterViewSet"]
