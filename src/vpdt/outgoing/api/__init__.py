"""Outgoing documents API: drafts, review, issue, delivery to agencies, consultations and review chains.

Viewsets only translate HTTP to calls of :mod:`vpdt.outgoing.services` and :mod:`vpdt.outgoing.chains`; every rule lives there. What a caller sees is :func:`vpdt.core.authz.visible`
(404 otherwise). Errors are Vietnamese JSON (``vpdt.core.api.exception_handler``).

* :mod:`.serializers` — what the API answers; :mod:`.inputs` — what it accepts; :mod:`.fields` — shared fields
  and request helpers;
* :mod:`.filters` — the document list's filters and the querysets of a document's detail;
* :mod:`.viewsets` — documents and consultations; :mod:`.clerk` — delivery statuses and review chains.

As in :mod:`vpdt.incoming.api`, choice fields are plain values with a ``*_display`` label in responses, and
request bodies take them as plain strings checked here (no enum components: names such as ``kind`` and
``status`` are already used with other choice sets, which would make drf-spectacular's enum naming ambiguous).
"""

from .clerk import OutgoingDeliveryViewSet, ReviewChainViewSet
from .viewsets import OutgoingConsultationViewSet, OutgoingDocumentViewSet

__all__ = ["OutgoingConsultationViewSet", "OutgoingDeliveryViewSet", "OutgoingDocumentViewSet", "ReviewChainViewSet"]
