"""Incoming documents API: registers, documents (registration, submission, direction) and assignments.

Viewsets only translate HTTP to calls of :mod:`vpdt.incoming.services`; every rule lives there. What a caller
sees is :func:`vpdt.core.authz.visible`. Errors are Vietnamese JSON (``vpdt.core.api.exception_handler``).

Choice fields named ``status`` and ``role`` are plain strings in the schema (with a ``*_display`` label): the
project already has enums of those names (accounts, directory) and a second choice set under the same name
would make drf-spectacular's enum naming ambiguous.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Field, Secrecy, Urgency
from vpdt.core.authz import scope_of, visible
from vpdt.core.params import int_param
from vpdt.directory.models import Unit
from vpdt.journal.filters import parse_day

from . import services
from .models import (Assignment, AssignmentRole, AssignmentStatus, Attachment, DocStatus, IncomingDocument, NoteKind,
                     ProcessingNote, Register, Source)

DATE_FORMATS = ["%d/%m/%Y", "iso-8601"]
DATE_ERRORS = {"invalid": "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."}


class NotReady(APIException):
    status_code = status.HTTP_501_NOT_IMPLEMENTED
    default_detail = "Chức năng này chưa sẵn sàng trên hệ thống."
    default_code = "not_ready"


def _service(name: str):
    """A service function that may not exist yet in this version (501 instead of a stack trace)."""
    fn = getattr(services, name, None)
    if fn is None:
        raise NotReady()
    return fn


def _date_field(**kwargs):
    return serializers.DateField(input_formats=DATE_FORMATS, error_messages=DATE_ERRORS, **kwargs)


# --- Registers ---------------------------------------------------------------------------------------------------

class IncomingRegisterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Register
        fields = ["id", "agency", "name", "code", "is_default", "is_active"]
        read_only_fields = fields


class IncomingRegisterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sổ đăng ký văn bản đến the caller may see."""

    serializer_class = IncomingRegisterSerializer
    ordering = ("id",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Register.objects.none()
        return visible(Register, self.request.user)


# --- Serializers: documents -----------------------------------------------------------------------------------------

class IncomingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class IncomingAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    file = serializers.IntegerField(source="file_id")
    name = serializers.CharField(source="file.original_name")
    content_type = serializers.CharField(source="file.content_type")
    size = serializers.IntegerField(source="file.size")
    sha256 = serializers.CharField(source="file.sha256")
    created_at = serializers.DateTimeField(source="file.created_at")


class IncomingNoteSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = ProcessingNote
        fields = ["id", "kind", "kind_display", "text", "author", "author_name", "created_at"]
        read_only_fields = fields


class IncomingAssignmentSerializer(serializers.ModelSerializer):
    """An assignment as listed (inbox, unit queue): no long texts."""

    role = serializers.CharField(read_only=True, help_text="lead | cooperate | inform")
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending | in_progress | done | returned | reassigned")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)
    user_name = serializers.CharField(source="user.full_name", read_only=True, allow_null=True, default=None)
    assigned_by_name = serializers.CharField(source="assigned_by.full_name", read_only=True)
    document_arrival_number = serializers.IntegerField(source="document.arrival_number", read_only=True)
    document_year = serializers.IntegerField(source="document.year", read_only=True)
    document_subject = serializers.CharField(source="document.subject", read_only=True)
    document_urgency = serializers.IntegerField(source="document.urgency", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "document", "document_arrival_number", "document_year", "document_subject",
                  "document_urgency", "role", "role_display", "unit", "unit_name", "user", "user_name", "parent",
                  "deadline", "assigned_by", "assigned_by_name", "status", "status_display", "created_at",
                  "completed_at"]
        read_only_fields = fields


class IncomingAssignmentDetailSerializer(IncomingAssignmentSerializer):
    notes = IncomingNoteSerializer(many=True, read_only=True)

    class Meta(IncomingAssignmentSerializer.Meta):
        fields = IncomingAssignmentSerializer.Meta.fields + ["opinion", "result", "notes"]
        read_only_fields = fields


class IncomingTrailEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(allow_null=True)
    action = serializers.CharField()
    actor = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    details = serializers.JSONField()


_DOC_LIST_FIELDS = ["id", "agency", "register", "year", "arrival_number", "arrival_date", "source", "issuer_name",
                    "issuer_code", "code_number", "code_notation", "number_symbol", "issued_date", "doc_type",
                    "doc_type_name", "subject", "urgency", "urgency_display", "status", "status_display", "leader",
                    "deadline", "due_date", "needs_reply", "reply_due", "created_at"]


class IncomingDocumentSerializer(serializers.ModelSerializer):
    """A document as listed: registration data only, never the long texts (direction, description...)."""

    number_symbol = serializers.CharField(read_only=True)
    doc_type_name = serializers.CharField(source="doc_type.name", read_only=True)
    urgency_display = serializers.CharField(source="get_urgency_display", read_only=True)
    status = serializers.CharField(read_only=True,
                                   help_text="registered | submitted | directed | in_progress | completed")
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = IncomingDocument
        fields = _DOC_LIST_FIELDS
        read_only_fields = fields


class IncomingDocumentDetailSerializer(IncomingDocumentSerializer):
    leader_name = serializers.CharField(source="leader.full_name", read_only=True, allow_null=True, default=None)
    directed_by_name = serializers.CharField(source="directed_by.full_name", read_only=True, allow_null=True,
                                             default=None)
    attachments = IncomingAttachmentSerializer(many=True, read_only=True)
    assignments = IncomingAssignmentDetailSerializer(many=True, read_only=True)
    trail = serializers.SerializerMethodField()

    class Meta(IncomingDocumentSerializer.Meta):
        fields = _DOC_LIST_FIELDS + [
            "language", "page_amount", "description", "signer_position", "signer_name", "to_places", "field",
            "submitted_at", "leader_name", "direction", "directed_by", "directed_by_name", "directed_at",
            "completed_at", "created_by", "updated_at", "attachments", "assignments", "trail"]
        read_only_fields = fields

    @extend_schema_field(IncomingTrailEntrySerializer(many=True, allow_null=True))
    def get_trail(self, obj):
        if not hasattr(services, "trail"):
            return None
        return [_trail_entry(item) for item in services.trail(obj)]


class IncomingRegisteredSerializer(IncomingDocumentDetailSerializer):
    submitted = serializers.BooleanField(read_only=True, help_text="Đã trình lãnh đạo ngay (văn bản khẩn).")

    class Meta(IncomingDocumentDetailSerializer.Meta):
        fields = IncomingDocumentDetailSerializer.Meta.fields + ["submitted"]
        read_only_fields = fields
