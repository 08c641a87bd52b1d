"""The API's body parsers: DRF's, with control characters removed from every string and file name
(:mod:`vpdt.core.text`) and a Vietnamese message for a body that cannot be parsed. Set as DRF's defaults; a view
that lists its own parsers uses these classes too."""

from __future__ import annotations

import io

from django.conf import settings
from django.http import multipartparser
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .api import TOO_DEEP, InputRefused, PayloadTooLarge, too_large_message
from .text import clean_files, clean_querydict, clean_value


def _limited(stream) -> io.BytesIO:
    """The body, refused over Django's limit for a request body (DATA_UPLOAD_MAX_MEMORY_SIZE): DRF reads the
    stream itself and does not apply it."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(body) > limit:
        raise PayloadTooLarge(too_large_message())
    return io.BytesIO(body)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = _limited(stream)
        try:
            return clean_value(super().parse(body, media_type, parser_context))
        except RecursionError:  # thousands of nested brackets: the decoder gives up before any view runs
            raise InputRefused(TOO_DEEP) from None


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return clean_querydict(super().parse(_limited(stream), media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    """Multipart through ``django_parser`` (a subclass of Django's multipart parser may replace it)."""

    django_parser = multipartparser.MultiPartParser

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {})["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            data, files = self.django_parser(
                meta, stream, request.upload_handlers, parsers.get_encoding(parser_context)
            ).parse()
        except multipartparser.MultiPartParserError as exc:
            raise ParseError(f"Dữ liệu multipart không hợp lệ: {exc}") from exc
        clean_files(files)
        return parsers.DataAndFiles(clean_querydict(data), files)
