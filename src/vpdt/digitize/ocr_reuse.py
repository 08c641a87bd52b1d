"""An ocrmypdf OCR engine that does not read a page twice: for each page it hands ocrmypdf the hOCR layout that
:func:`vpdt.digitize.reading.read` already produced (the text the clerk has had since), so building the PDF/A
archive copy costs no second OCR. A page without a stored layout is read by Tesseract as usual.

Enabled by ``ocrmypdf.ocr(..., vpdt_layers=<folder>)``: the folder holds ``000001.hocr``, ``000002.hocr``... named
like ocrmypdf's page files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

OPTION = "vpdt_layers"


def _stored(input_file, options) -> Path | None:
    folder = (getattr(options, "extra_attrs", None) or {}).get(OPTION)
    page = re.match(r"(\d{6})_", Path(input_file).name)
    if not folder or not page:
        return None
    path = Path(folder) / f"{page.group(1)}.hocr"
    return path if path.exists() and path.stat().st_size else None


class ReadEngine(TesseractOcrEngine):
    """Tesseract, whose reading of a page was done earlier."""

    @staticmethod
    def creator_tag(options):
        return f"OCRmyPDF + Tesseract OCR {TesseractOcrEngine.version()} (vpdt)"

    @staticmethod
    def generate_hocr(input_file, output_hocr, output_text, options):
        stored = _stored(input_file, options)
        if stored is None:
            return TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)
        shutil.copyfile(stored, output_hocr)
        Path(output_text).write_text("", encoding="utf-8")  # the text was kept when the page was read
        return None


@hookimpl
def get_ocr_engine(options):
    if options is not None and (getattr(options, "extra_attrs", None) or {}).get(OPTION):
        return ReadEngine()
    return None
