"""Fields and request helpers shared by the outgoing API: Vietnamese errors, multipart lists as JSON."""

from __future__ import annotations

import json

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from vpdt.core.dates import ApiDateField

DATE_ERRORS = {"invalid": "Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."}
JSON_LISTS = ("recipients", "users", "steps")


_NUL = ProhibitNullCharactersValidator(message="Không được chứa ký tự rỗng (NUL).")


class Text(serializers.CharField):
    """A text field whose NUL-character refusal is explained in Vietnamese."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [_NUL if isinstance(v, ProhibitNullCharactersValidator) else v for v in self.validators]


class Email(serializers.EmailField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [_NUL if isinstance(v, ProhibitNullCharactersValidator) else v for v in self.validators]


FILE_ERRORS = {
    "invalid": "Dữ liệu gửi lên không phải là tệp; hãy gửi dạng multipart/form-data.",
    "empty": "Tệp rỗng.",
    "no_name": "Không xác định được tên tệp.",
    "max_length": "Tên tệp quá dài.",
    "required": "Chưa chọn tệp.",
    "null": "Chưa chọn tệp.",
}


def files_field(**kwargs):
    return serializers.ListField(
        child=serializers.FileField(error_messages=FILE_ERRORS),
        required=False,
        write_only=True,
        error_messages={"not_a_list": "Tệp phải gửi dạng danh sách."},
        **kwargs,
    )


def date_field(**kwargs):
    return ApiDateField(error_messages=DATE_ERRORS, **kwargs)


def pk_field(queryset, label: str, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset,
        error_messages={
            "does_not_exist": f"{label} không tồn tại.",
            "incorrect_type": f"{label} không hợp lệ.",
            "required": f"{label} là bắt buộc.",
            "null": f"{label} là bắt buộc.",
        },
        **kwargs,
    )


def request_data(request) -> dict:
    """The request body as a dict; in multipart, list fields (recipients, users, steps) come as JSON text."""
    raw = request.data
    if hasattr(raw, "getlist"):
        data = {}
        for key in raw:
            values = raw.getlist(key)
            data[key] = values if key in ("files", "related_files", "appendix_files") else values[-1]
        for key in JSON_LISTS:
            if isinstance(data.get(key), str):
                try:
                    data[key] = json.loads(data[key]) if data[key].strip() else []
                except ValueError:
                    raise ValidationError({key: ["Dữ liệu không đúng định dạng JSON (danh sách)."]}) from None
        return data
    if not isinstance(raw, dict):
        raise ValidationError({"detail": "Dữ liệu gửi lên phải là một đối tượng JSON."})
    return raw


def validated(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request_data(request), context={"request": request}, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def choice(value, choices, message):
    if value not in choices:
        raise serializers.ValidationError(message)
    return value


def both_media(serializer):
    return {"application/json": serializer, "multipart/form-data": serializer}
