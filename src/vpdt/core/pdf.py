"""Shared PDF and date helpers for printable registers, forms and exports.

PDFs embed the bundled DejaVu Serif font (full Vietnamese coverage, TCVN 6909:2001 Unicode); dates are
shown dd/mm/yyyy in the Vietnam time zone (settings.TIME_ZONE, the one zone vpdt works in: no request activates
another).
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone

from .text import clean_text

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSerif"
FONT_BOLD = "DejaVuSerif-Bold"
FONT_ITALIC = "DejaVuSerif-Italic"


def local_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.get_default_timezone())
        return value.date()
    return value


def fmt_date(value) -> str:
    value = local_date(value)
    return value.strftime("%d/%m/%Y") if value else ""


def fmt_datetime(value) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.get_default_timezone())
    return value.strftime("%H:%M %d/%m/%Y")


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register DejaVu Serif (regular, bold, italic) from the bundled files; embedded as TrueType subsets."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in (
        (FONT, "DejaVuSerif.ttf"),
        (FONT_BOLD, "DejaVuSerif-Bold.ttf"),
        (FONT_ITALIC, "DejaVuSerif-Italic.ttf"),
    ):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD)
    return FONT


def styles():
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    base = ParagraphStyle("vpdt", fontName=FONT, fontSize=8.5, leading=10.5, alignment=TA_LEFT)
    return {
        "cell": base,
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, alignment=TA_CENTER),
        "num": ParagraphStyle("num", parent=base, fontName=FONT_ITALIC, alignment=TA_CENTER),
        "agency": ParagraphStyle("agency", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, alignment=TA_LEFT),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=20,
            alignment=TA_CENTER,
            spaceBefore=6,
            spaceAfter=2,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=15, alignment=TA_CENTER),
        "italic": ParagraphStyle(
            "italic", parent=base, fontName=FONT_ITALIC, fontSize=10.5, leading=14, alignment=TA_CENTER, spaceAfter=8
        ),
        "label": ParagraphStyle(
            "label", parent=base, fontName=FONT_BOLD, fontSize=11, leading=15, spaceBefore=8, spaceAfter=3
        ),
        "body": ParagraphStyle("body", parent=base, fontSize=11, leading=15),
        "small": ParagraphStyle("small", parent=base, fontName=FONT_ITALIC, fontSize=10, leading=13),
    }


def para(text, style):
    from reportlab.platypus import Paragraph

    text = "" if text is None else clean_text(str(text))  # stored before input was cleaned, or imported
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def numbered_canvas(label: str, margins: float):
    """A canvas that writes "Trang n/N" and the footer label once the page count is known."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int):
            width, _height = self._pagesize
            y = margins / 2
            self.saveState()
            self.setFont(FONT_ITALIC, 8)
            self.drawRightString(width - margins, y, f"Trang {self._pageNumber}/{total}")
            if label:
                self.drawString(margins, y, label)
            self.restoreState()

    return NumberedCanvas


def build(story, *, pagesize, title: str, footer: str, margins=28) -> bytes:
    from reportlab.platypus import SimpleDocTemplate

    title, footer = clean_text(title), clean_text(footer)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=margins,
        rightMargin=margins,
        topMargin=margins,
        bottomMargin=margins + 8,
        title=title,
        author="vpdt",
        creator="vpdt",
        subject=footer,
        initialFontName=FONT,
        initialFontSize=9,
    )
    doc.build(story, canvasmaker=numbered_canvas(footer, margins))
    return buffer.getvalue()
