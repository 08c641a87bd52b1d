"""PAdES signatures with pyHanko, laid out as ND30 Phụ lục I asks.

* The signer's signature (at the final approval) is visible: the blue signature image with the name, position,
  signing authority and time under it, placed above the signer's printed name on the last page. The same
  revision adds two empty read-only text fields on page 1, over the "Số: ..." and "..., ngày ... tháng ... năm"
  lines, for the clerk to fill.
* The agency's signature (at issue) is added **incrementally**: the clerk fills the number and date fields (form
  filling, which the signer's signature allows) and signs with the red seal overlapping the left third of the
  signer's image. The signer's signature stays valid.
* Appendices and electronic copies get an invisible agency signature plus the 10 pt line "number and symbol,
  ISO 8601 time" at the top right of page 1.

Nothing here rewrites the input: every function returns new bytes that start with the input bytes.
"""

from __future__ import annotations

import binascii
import datetime as dt
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from .keys import SigningError
from .loops import outside_event_loop

MM = 72 / 25.4
SIGNER_FIELD = "vpdt_nguoi_ky"
AGENCY_FIELD = "vpdt_co_quan"
COPY_FIELD = "vpdt_ban_sao"
NUMBER_FIELD = "vpdt_so_ky_hieu"
DATE_FIELD = "vpdt_ngay_ban_hanh"
LINE_FIELD = "vpdt_dong_ban_sao"

SIGNER_BOX_MM = (50, 28)  # image area, text lines below it
TEXT_LINES_PT = 3 * 8.5


@dataclass
class Box:
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1

    def tuple(self) -> tuple[float, float, float, float]:
        return (round(self.x1, 2), round(self.y1, 2), round(self.x2, 2), round(self.y2, 2))


@dataclass
class SignerLook:
    """What the signer's visible signature shows."""

    name: str
    position: str = ""  # e.g. "PHÓ GIÁM ĐỐC"
    authority: str = ""  # TM., KT., TL., TUQ., Q.
    image: bytes | None = None  # transparent PNG (blue)
    image_mm: tuple[float, float] = SIGNER_BOX_MM


@dataclass
class Layout:
    pages: int
    number: Box
    date: Box
    signer: Box
    page1_size: tuple[float, float]
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------- layout


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def _runs(page) -> list[tuple[float, float, float, str]]:
    """(x, y, font size, text) of every text run of a pypdf page, in page coordinates."""
    runs = []

    def visit(text, cm, tm, font, size):
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1
        runs.append((x, y, (size or 10) * scale, text))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # a damaged content stream only costs us the placement hints
        return []
    return runs


def _lines(runs) -> list[tuple[float, float, float, float, str]]:
    """Runs grouped into line segments: (x1, y, x2 estimate, size, text). Runs on the same baseline but far
    apart (the two columns of the ND30 header) stay separate segments."""
    rows: dict[int, list] = {}
    for x, y, size, text in runs:
        rows.setdefault(round(y / 3), []).append((x, y, size, text))
    lines = []
    for items in rows.values():
        items.sort()
        segment = []
        for item in items:
            if segment:
                px, _, ps, pt = segment[-1]
                if item[0] - (px + 0.55 * ps * len(pt)) > 25:
                    lines.append(_segment(segment))
                    segment = []
            segment.append(item)
        lines.append(_segment(segment))
    lines.sort(key=lambda ln: -ln[1])
    return lines


def _segment(items):
    text = "".join(t for _, _, _, t in items).replace("\n", " ")
    size = max(s for _, _, s, _ in items)
    x2 = max(x + 0.5 * s * len(t.rstrip()) for x, _, s, t in items)
    return (items[0][0], items[0][1], x2, size, text)


DATE_LINE = re.compile(r"ngay\s*[\d.…_ ]*\s*thang\s*[\d.…_ ]*\s*nam", re.I)


def layout(pdf: bytes, signer_name: str = "") -> Layout:
    """Where the number, the date and the signer's signature go. Found from page 1's "Số:" and "ngày ... tháng
    ... năm" lines and the signer's printed name on the last page; the ND30 standard positions otherwise."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = len(reader.pages)
        first, last = reader.pages[0], reader.pages[-1]
    except Exception:
        raise SigningError("Tệp không phải PDF hợp lệ nên không ký số được.") from None
    w, h = float(first.mediabox.width), float(first.mediabox.height)
    notes = []
    number = Box(20 * MM, h - 50 * MM, 20 * MM + 70 * MM, h - 50 * MM + 14)
    date = Box(w / 2, h - 50 * MM, w - 15 * MM, h - 50 * MM + 14)
    top_lines = [ln for ln in _lines(_runs(first)) if ln[1] > h * 0.7]  # the header, highest first
    for x1, y, x2, size, text in top_lines:
        folded = _fold(text).strip()
        if "number:found" not in notes and folded.startswith(("so:", "so :")):
            number = Box(x1 - 2, y - 3, min(max(x2 + 4, x1 + 55 * MM), w / 2 - 2), y + size + 2)
            notes.append("number:found")
        elif "date:found" not in notes and DATE_LINE.search(folded):
            date = Box(x1 - 2, y - 3, max(x2 + 30, x1 + 85 * MM), y + size + 2)
            date.x2 = min(date.x2, w - 10 * MM)
            notes.append("date:found")
    lw = float(last.mediabox.width)
    img_w, img_h = SIGNER_BOX_MM[0] * MM, SIGNER_BOX_MM[1] * MM + TEXT_LINES_PT
    signer = Box(lw * 0.55, 40 * MM, lw * 0.55 + img_w, 40 * MM + img_h)
    if signer_name:
        wanted = _fold(signer_name).strip()
        hits = [ln for ln in _lines(_runs(last)) if wanted and _fold(ln[4]).strip() == wanted]
        if hits:
            x1, y, x2, size, _ = hits[-1]
            centre = (x1 + x2) / 2
            signer = Box(centre - img_w / 2, y + size + 2, centre + img_w / 2, y + size + 2 + img_h)
            notes.append("signer:found")
    return Layout(pages, number, date, signer, (w, h), notes)


# ----------------------------------------------------------------------------------------------- drawing


def _render(width: float, height: float, draw) -> bytes:
    """A one-page PDF of the given size drawn with ReportLab (Vietnamese fonts from core.pdf)."""
    from reportlab.pdfgen import canvas

    from vpdt.core.pdf import register_fonts

    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(max(width, 1), max(height, 1)))
    draw(c)
    c.save()
    return buf.getvalue()


def _image(c, png: bytes, x, y, w, h):
    from reportlab.lib.utils import ImageReader

    c.drawImage(
        ImageReader(io.BytesIO(png)), x, y, width=w, height=h, mask="auto", preserveAspectRatio=True, anchor="c"
    )


def signer_appearance(look: SignerLook, box: Box, when: dt.datetime) -> bytes:
    from vpdt.core.pdf import FONT, FONT_BOLD

    def draw(c):
        text_h = TEXT_LINES_PT
        if look.image:
            _image(c, look.image, 0, text_h, box.width, box.height - text_h)
        lines = [(FONT_BOLD, look.name)]
        role = " ".join(p for p in (look.authority, look.position) if p).strip()
        if role:
            lines.append((FONT, role))
        lines.append((FONT, "Ký số: " + when.strftime("%d/%m/%Y %H:%M:%S %z")))
        for i, (font, text) in enumerate(lines):
            c.setFont(font, 7)
            c.setFillColorRGB(0.05, 0.15, 0.55)
            c.drawCentredString(box.width / 2, text_h - 8 * (i + 1) + 1, text[:80])

    return _render(box.width, box.height, draw)


def seal_appearance(png: bytes, box: Box) -> bytes:
    return _render(box.width, box.height, lambda c: _image(c, png, 0, 0, box.width, box.height))


def text_appearance(text: str, box: Box, *, size: float = 13, italic: bool = False, align: str = "left") -> bytes:
    """White background (hides a "Số:   /QĐ-..." placeholder) and the text, as a field appearance."""
    from vpdt.core.pdf import FONT, FONT_ITALIC

    def draw(c):
        c.setFillColorRGB(1, 1, 1)
        c.rect(0, 0, box.width, box.height, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        font = FONT_ITALIC if italic else FONT
        fitted = size
        from reportlab.pdfbase.pdfmetrics import stringWidth

        while fitted > 6 and stringWidth(text, font, fitted) > box.width - 2:
            fitted -= 0.5
        c.setFont(font, fitted)
        y = (box.height - fitted) / 2 + 2
        if align == "right":
            c.drawRightString(box.width - 1, y, text)
        elif align == "center":
            c.drawCentredString(box.width / 2, y, text)
        else:
            c.drawString(1, y, text)

    return _render(box.width, box.height, draw)


# ----------------------------------------------------------------------------------------------- pyHanko plumbing


def _writer(pdf: bytes):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError

    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise SigningError("Tệp không phải PDF hợp lệ nên không ký số được.") from None


def _xobject(writer, pdf: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return writer.import_page_as_xobject(PdfFileReader(io.BytesIO(pdf)))


class _BytesPage:
    """pyHanko stamp background imported from an in-memory one-page PDF."""

    def __new__(cls, data: bytes):
        from pyhanko.pdf_utils.content import ImportedPdfPage
        from pyhanko.pdf_utils.layout import BoxConstraints

        class Page(ImportedPdfPage):
            def render(self) -> bytes:
                xobj = _xobject(self._ensure_writer, data)
                name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
                self.resources.xobject[name.decode("ascii")] = xobj
                x1, y1, x2, y2 = xobj.get_object()["/BBox"]
                self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
                return name + b" Do"

        return Page(None)


def _style(appearance_pdf: bytes | None):
    from pyhanko.stamp import StaticStampStyle

    if appearance_pdf is None:
        return None
    return StaticStampStyle(background=_BytesPage(appearance_pdf), border_width=0, background_opacity=1)


def _fields(writer) -> dict:
    try:
        form = writer.root["/AcroForm"]
        items = form["/Fields"]
    except KeyError:
        return {}
    out = {}
    for ref in items:
        obj = ref.get_object()
        name = obj.get("/T")
        if name is not None:
            out[str(name)] = (ref, obj)
    return out


def field_names(pdf: bytes) -> list[str]:
    return list(_fields(_writer(pdf)).keys())


def _add_text_field(writer, name: str, box: Box, page_ix: int = 0):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    page_ref, _ = writer.find_page_for_modification(page_ix)
    widget = generic.DictionaryObject(
        {
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): generic.TextStringObject(name),
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/Ff"): generic.NumberObject(1),
            pdf_name("/P"): page_ref,
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in box.tuple()]),
            pdf_name("/DA"): generic.TextStringObject("/Helv 0 Tf 0 g"),
        }
    )
    ref = writer.add_object(widget)
    root = writer.root
    if "/AcroForm" not in root:
        root["/AcroForm"] = writer.add_object(generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()}))
        writer.update_root()
    form_ref = root.raw_get("/AcroForm")
    form = form_ref.get_object()
    if "/Fields" not in form:
        form["/Fields"] = generic.ArrayObject()
    fields_ref = form.raw_get("/Fields")
    fields_ref.get_object().append(ref)
    if isinstance(fields_ref, generic.IndirectObject):
        writer.mark_update(fields_ref)
    if isinstance(form_ref, generic.IndirectObject):
        writer.mark_update(form_ref)
    else:
        writer.update_root()
    writer.register_annotation(page_ref, ref)
    return ref


def _fill_text_field(writer, name: str, value: str, appearance_pdf_for) -> bool:
    """Set the value and appearance of an existing text field; False when the field is not there."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    found = _fields(writer).get(name)
    if found is None:
        return False
    ref, obj = found
    x1, y1, x2, y2 = (float(v) for v in obj["/Rect"])
    obj["/V"] = generic.TextStringObject(value)
    obj["/AP"] = generic.DictionaryObject({pdf_name("/N"): _xobject(writer, appearance_pdf_for(Box(x1, y1, x2, y2)))})
    writer.mark_update(ref)
    return True


def _field_box(pdf: bytes, name: str) -> Box | None:
    found = _fields(_writer(pdf)).get(name)
    if found is None:
        return None
    x1, y1, x2, y2 = (float(v) for v in found[1]["/Rect"])
    return Box(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _sign(
    writer,
    signer,
    field_name: str,
    *,
    box: Box | None,
    page_ix: int,
    appearance: bytes | None,
    reason: str,
    location: str,
    name: str = "",
) -> bytes:
    from pyhanko.sign import fields, signers

    existing = _fields(writer).get(field_name)
    if existing is None:
        fields.append_signature_field(
            writer, fields.SigFieldSpec(field_name, on_page=page_ix, box=box.tuple() if box is not None else None)
        )
    elif existing[1].get("/V") is not None:
        raise SigningError("Văn bản đã có chữ ký ở vị trí này.")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        name=name or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    try:
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=_style(appearance))
        out = outside_event_loop(lambda: pdf_signer.sign_pdf(writer))
    except SigningError:
        raise
    except Exception as exc:  # pyHanko and the key backends raise many types
        raise SigningError(f"Không ký số được: {exc}") from None
    return out.getvalue()


def _page_index(pdf: bytes, wanted: int) -> int:
    from pypdf import PdfReader

    count = len(PdfReader(io.BytesIO(pdf)).pages)
    return wanted if wanted >= 0 else count + wanted


# ----------------------------------------------------------------------------------------------- public API


def _signer_revision(pdf: bytes, look: SignerLook):
    """The layout and a writer holding the empty number/date fields of page 1 (the signer's revision)."""
    plan = layout(pdf, look.name)
    writer = _writer(pdf)
    names = _fields(writer)
    if SIGNER_FIELD in names:
        raise SigningError("Văn bản đã có chữ ký của người ký.")
    if NUMBER_FIELD not in names:
        _add_text_field(writer, NUMBER_FIELD, plan.number)
    if DATE_FIELD not in names:
        _add_text_field(writer, DATE_FIELD, plan.date)
    return plan, writer


def prepare_for_signer(pdf: bytes, look: SignerLook) -> tuple[bytes, Layout]:
    """The approval revision without the signature: number/date fields on page 1 and an empty signature field
    where the signer signs. Used by client-side signing (the device signs the named field)."""
    from pyhanko.sign import fields

    plan, writer = _signer_revision(pdf, look)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(SIGNER_FIELD, on_page=plan.pages - 1, box=plan.signer.tuple())
    )
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue(), plan


def sign_as_signer(
    pdf: bytes, signer, look: SignerLook, *, when: dt.datetime, reason: str = "Ký duyệt văn bản", location: str = ""
) -> bytes:
    """The leader's visible PAdES signature at the final approval (one incremental revision)."""
    plan, writer = _signer_revision(pdf, look)
    return _sign(
        writer,
        signer,
        SIGNER_FIELD,
        box=plan.signer,
        page_ix=plan.pages - 1,
        appearance=signer_appearance(look, plan.signer, when),
        reason=reason,
        location=location,
        name=look.name,
    )


def seal_box(signer_box: Box, seal_mm: float) -> Box:
    """The seal at its printed size, its right third over the left third of the signer's image."""
    size = seal_mm * MM
    image_bottom = signer_box.y1 + TEXT_LINES_PT
    image_centre_y = (image_bottom + signer_box.y2) / 2
    right = signer_box.x1 + signer_box.width / 3
    return Box(right - size, image_centre_y - size / 2, right, image_centre_y + size / 2)


def stamp_number(writer, number_text: str, date_text: str) -> bool:
    """Fill the number and date fields (prepared at approval, or added now when the document has none)."""
    ok_number = _fill_text_field(
        writer, NUMBER_FIELD, number_text, lambda b: text_appearance(number_text, b, size=min(13, b.height - 2))
    )
    ok_date = _fill_text_field(
        writer,
        DATE_FIELD,
        date_text,
        lambda b: text_appearance(date_text, b, size=min(13, b.height - 2), italic=True, align="center"),
    )
    return ok_number and ok_date


def issue_and_seal(
    pdf: bytes,
    signer,
    *,
    number_text: str,
    date_text: str,
    seal: bytes | None,
    seal_mm: float = 36,
    reason: str = "Phát hành văn bản",
    location: str = "",
) -> bytes:
    """At issue: fill number and date, then the agency's seal signature, all in one incremental revision.

    When the document has no number/date fields yet (not signed in the system), they are added first in their
    own revision (nothing is signed yet, so nothing is invalidated)."""
    names = field_names(pdf)
    if NUMBER_FIELD not in names or DATE_FIELD not in names:
        plan = layout(pdf)
        writer = _writer(pdf)
        if NUMBER_FIELD not in names:
            _add_text_field(writer, NUMBER_FIELD, plan.number)
        if DATE_FIELD not in names:
            _add_text_field(writer, DATE_FIELD, plan.date)
        buf = io.BytesIO()
        writer.write(buf)
        pdf = buf.getvalue()
    if AGENCY_FIELD in names:
        raise SigningError("Văn bản đã có chữ ký số của cơ quan.")
    signer_box = _field_box(pdf, SIGNER_FIELD) or layout(pdf).signer
    box = seal_box(signer_box, seal_mm)
    writer = _writer(pdf)
    stamp_number(writer, number_text, date_text)
    return _sign(
        writer,
        signer,
        AGENCY_FIELD,
        box=box,
        page_ix=_page_index(pdf, -1),
        appearance=seal_appearance(seal, box) if seal else None,
        reason=reason,
        location=location,
    )


def copy_line(number_symbol: str, when: dt.datetime) -> str:
    """'12/SXD-VP 2026-11-26T08:30:00+07:00' — the line on appendices and electronic copies."""
    return f"{number_symbol} {when.replace(microsecond=0).isoformat()}"


def sign_invisible_with_line(
    pdf: bytes, signer, *, line: str, reason: str = "Ký số văn bản kèm theo, bản sao", field_name: str = COPY_FIELD
) -> bytes:
    """Appendix or electronic copy: the 10 pt line at the top right of page 1 and an invisible agency
    signature, in one incremental revision."""
    from pypdf import PdfReader

    if field_name in field_names(pdf):
        raise SigningError("Tệp đã được ký số cơ quan.")
    first = PdfReader(io.BytesIO(pdf)).pages[0]
    w, h = float(first.mediabox.width), float(first.mediabox.height)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from vpdt.core.pdf import FONT, register_fonts

    register_fonts()
    width = stringWidth(line, FONT, 10) + 4
    box = Box(w - 10 * MM - width, h - 8 * MM - 12, w - 10 * MM, h - 8 * MM)
    writer = _writer(pdf)
    if _has_signatures(writer):
        # A copy of a signed original: a new text field would count as a change the earlier signatures do not
        # allow, so the line is drawn as the appearance of the agency's signature widget itself (a new signature
        # field is an allowed change). No seal image either way.
        return _sign(
            writer,
            signer,
            field_name,
            box=box,
            page_ix=0,
            appearance=text_appearance(line, box, size=10, align="right"),
            reason=reason,
            location="",
        )
    _add_text_field(writer, LINE_FIELD, box)
    _fill_text_field(writer, LINE_FIELD, line, lambda b: text_appearance(line, b, size=10, align="right"))
    return _sign(writer, signer, field_name, box=None, page_ix=0, appearance=None, reason=reason, location="")


def _has_signatures(writer) -> bool:
    return any(obj.get("/FT") == "/Sig" and obj.get("/V") is not None for _, obj in _fields(writer).values())
