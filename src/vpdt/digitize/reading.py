"""Reading a scan's text first: Tesseract ``vie`` straight on the page images, so the clerk gets the prefilled form
as soon as the text is there; the searchable PDF/A archive copy is built afterwards (``engine.ocr`` with the page
layouts read here, see :mod:`vpdt.digitize.ocr_reuse`), in the background.

Colour scans (ND30 asks for colour, with the red seal over the blue signature): the coloured ink is dropped before
reading — each pixel becomes its lightest channel plus twice its chroma, so red and blue strokes turn white while
the black print, even under the seal, stays black — and the signature block reads as printed. A page with dust in
its margins (a worn copier) is despeckled first (:func:`despeckle`). Tesseract also notes, letter by letter, where
it hesitated (:func:`hesitations`): the prefill flags the fields read from those words. The subject of the first
page is then read a second time, cut out alone (:func:`second_reading`): the words the two readings disagree on
are noted the same way. Tesseract runs with one thread (``VPDT_OCR_THREADS``).

On temporary copies only: the stored original is never touched.
"""

from __future__ import annotations

import difflib
import functools
import html
import io
import os
import re
import subprocess
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import engine

VERSION = "5"  # of the reading (ink dropping, Tesseract options): caches of read text key on it
PAGE_TIMEOUT = 600  # seconds of Tesseract for one page
CHOICES = ("-c", "lstm_choice_mode=2")  # each letter's runner-up in the hOCR: where the reading hesitated
NOTED = 3.0  # a runner-up letter at least this likely (x_confs, 0..100) is noted with its word
INK_GAIN = 2  # how far chroma pushes a pixel toward white
INKED = 80  # chroma (max − min of the channels) of a pixel of coloured ink, not of yellowed paper
SPECKLES = 0.00005  # share of dark pixels in the margins above which a page is despeckled
MIN_DPI, MAX_DPI = 100, 600
COLOUR_MODES = ("RGB", "RGBA", "P", "PA", "CMYK", "YCbCr", "LAB", "HSV")


@dataclass
class Reading:
    text: str
    pages: int
    layers: list[str] = field(default_factory=list)  # hOCR of each page ("" for a page that had its own text)
    doubts: list[dict] = field(default_factory=list)  # words read with hesitation: word, alternative, neighbours
    colour: bool = False  # coloured ink (seal, signature) was dropped before reading
    message: str = ""


def drop_ink(img):
    """A greyscale page without its coloured ink: ``max(R, G, B) + INK_GAIN × (max − min)``, clipped. Grey and
    black pixels keep their value; red, blue and yellowed paper turn (nearly) white."""
    return _drop(img)[0]


def _drop(img):
    """-> (the page without its coloured ink, whether it had any: strong colour on more than a few pixels)."""
    from PIL import ImageChops

    r, g, b = img.convert("RGB").split()
    high = ImageChops.lighter(ImageChops.lighter(r, g), b)
    chroma = ImageChops.subtract(high, ImageChops.darker(ImageChops.darker(r, g), b))
    out = high
    for _ in range(INK_GAIN):
        out = ImageChops.add(out, chroma)
    inked = sum(chroma.histogram()[INKED:]) > 0.0001 * chroma.width * chroma.height
    return out, inked


def _flatten(img):
    """Transparency onto white (phone scans, screenshots)."""
    from PIL import Image

    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img


def _dpi(info) -> int:
    dpi = info.get("dpi")
    try:
        value = round(float(min(dpi))) if dpi else 0
    except (TypeError, ValueError):
        value = 0
    return value if MIN_DPI // 2 <= value <= MAX_DPI * 2 else engine.DEFAULT_DPI


def speckled(img) -> bool:
    """Dust in the margins (a worn copier, a dirty glass): dark pixels where no text is printed."""
    w, h = img.size
    dark = total = 0
    for box in ((0, 0, max(1, w // 20), h), (w - max(1, w // 20), 0, w, h)):
        strip = img.crop(box)
        dark += sum(strip.histogram()[:128])
        total += strip.width * strip.height
    return total > 0 and dark / total > SPECKLES


def despeckle(img):
    """The page without its dust: the median of each 3 × 3 square. Dots and the grain of the paper go, strokes
    and their edges stay. (Cheaper stand-ins were tried on the DEV pages: a mask of isolated dark pixels, a
    separable median; both cost letters and marks, 95% and 89% of the fields right against 99%.)"""
    from PIL import ImageFilter

    return img.filter(ImageFilter.MedianFilter(3))


def _ready(img, dpi):
    """-> (page image for Tesseract, dpi, colour dropped). Coloured ink is dropped; a page with dust is
    despeckled (:func:`despeckle`)."""
    img, colour = _flatten(img), False
    if img.mode in COLOUR_MODES:
        img, colour = _drop(img)
    elif img.mode not in ("L", "1"):
        img = img.convert("L")
    if img.mode == "L" and speckled(img):
        img = despeckle(img)
    return img, dpi, colour


def _image_pages(data):
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            for frame in ImageSequence.Iterator(img):
                yield _ready(frame.copy(), _dpi(img.info))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise engine.EngineError(engine.BAD_IMAGE, str(exc)[:300]) from exc


def _render_dpi(page) -> int:
    """The resolution of the scan inside a PDF page: its largest image's pixels over the space it covers."""
    import pypdfium2.raw as pdfium_c

    best = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            px = obj.get_px_size()[0]
            left, _bottom, right, _top = obj.get_pos()
        except Exception:  # an image pdfium cannot measure: the default resolution
            continue
        if right > left and px:
            best = max(best, round(px / ((right - left) / 72)))
    return min(MAX_DPI, max(MIN_DPI * 2, best)) if best else engine.DEFAULT_DPI


def _pdf_pages(data, texts):
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise engine.EngineError(engine.CORRUPT_PDF, str(exc)[:300]) from exc
    try:
        for n in range(len(doc)):
            if n < len(texts) and len("".join(texts[n].split())) >= engine.MIN_CHARS:
                yield None  # the page has its own text: ocrmypdf keeps it too
                continue
            page = doc[n]
            dpi = _render_dpi(page)
            bitmap = page.render(scale=dpi / 72)
            yield _ready(bitmap.to_pil(), dpi)
    finally:
        doc.close()


def _environment(jobs: int, threads: int = 1) -> dict:
    """Tesseract's environment: its OpenMP threads capped to ``threads`` (``VPDT_OCR_THREADS``), and to the cores
    left to each of ``jobs`` pages read at once; an ``OMP_THREAD_LIMIT`` already set is kept."""
    env = dict(os.environ)
    if not env.get("OMP_THREAD_LIMIT", "").isnumeric():
        env["OMP_THREAD_LIMIT"] = str(max(1, min(max(1, threads), (os.cpu_count() or 1) // max(1, jobs))))
    return env


def _tesseract(img, dpi, base: Path, env) -> tuple[str, str]:
    """One page through ``tesseract <page> <base> -l vie txt hocr``: its text and its hOCR layout."""
    source = base.with_suffix(".pgm" if img.mode in ("L", "1") else ".ppm")
    img.save(source)  # raw PNM: nothing to compress, Tesseract is told the resolution
    command = ["tesseract", str(source), str(base), "-l", "vie", "--dpi", str(dpi), *CHOICES, "txt", "hocr"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=PAGE_TIMEOUT, env=env, check=False)
    except FileNotFoundError as exc:
        raise engine.Unavailable(engine.NO_TESSERACT, str(exc)) from exc
    except subprocess.TimeoutExpired as exc:
        raise engine.EngineError(engine.OCR_FAILED, f"tesseract quá {PAGE_TIMEOUT} giây") from exc
    finally:
        source.unlink(missing_ok=True)
    if done.returncode != 0:
        raise engine.EngineError(engine.OCR_FAILED, done.stderr.decode("utf-8", "replace")[-300:])
    text = base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
    hocr = base.with_suffix(".hocr").read_text(encoding="utf-8", errors="replace")
    layout, doubts = hesitations(hocr)
    return text.replace("\f", "\n").strip(), layout, doubts


def read(data: bytes, kind: str, progress=None, texts: list[str] | None = None) -> Reading:
    """The text of a scan (``kind`` "pdf" or "image"), page by page; ``texts`` are the PDF's own text layers
    (pages that have one are not read again). ``progress(share)`` is called as pages are read."""
    from django.conf import settings

    engine.require_vietnamese()
    jobs = max(1, int(getattr(settings, "VPDT_OCR_JOBS", 1)))
    env = _environment(jobs, int(getattr(settings, "VPDT_OCR_THREADS", 1)))
    if kind == "pdf":
        texts = texts if texts is not None else engine.page_texts(data)
        pages, total = _pdf_pages(data, texts), len(texts)
    else:
        texts, pages, total = [], _image_pages(data), _frames(data)
    results, pending, colour, first = [], [], False, None
    with tempfile.TemporaryDirectory(prefix="vpdt-read-") as tmp, ThreadPoolExecutor(max_workers=jobs) as pool:
        for n, page in enumerate(pages):  # at most ``jobs`` pages decoded ahead of Tesseract
            if page is None:
                results.append((texts[n].strip(), "", []))
                continue
            img, dpi, dropped = page
            colour = colour or dropped
            if n == 0:
                first = (img, dpi)
            pending.append((len(results), pool.submit(_tesseract, img, dpi, Path(tmp) / f"{n + 1:06d}", env)))
            results.append(None)
            del img, page
            if len(pending) >= jobs:
                _collect(results, pending.pop(0), progress, total)
        while pending:
            _collect(results, pending.pop(0), progress, total)
        again = second_reading(*first, *results[0], Path(tmp) / "again", env) if first else []
    if not results:
        raise engine.EngineError(engine.CORRUPT_PDF if kind == "pdf" else engine.BAD_IMAGE)
    return Reading(
        text="\n".join(text for text, _, _ in results).strip(),
        pages=len(results),
        layers=[layer for _, layer, _ in results],
        doubts=(again + [d for _, _, page_doubts in results for d in page_doubts])[:MAX_DOUBTS],
        colour=colour,
        message=f"Tesseract {tesseract_version()} vie" + (", đã tách mực màu (dấu, chữ ký)" if colour else ""),
    )


# ---------------------------------------------------------------- a second look at the subject

LOW = 0.6  # a prefilled field below this confidence is already flagged: no need to read it again
_WORD = re.compile(r"<span class='ocrx_word' id='[^']*' title='bbox (\d+) (\d+) (\d+) (\d+)[^']*'[^>]*>([^<]*)<")


def _plain(word: str) -> str:
    return re.sub(r"^\W+|\W+$", "", unicodedata.normalize("NFC", word))


def layout_words(layer: str) -> list[tuple[str, tuple[int, int, int, int]]]:
    """(word, bbox) of each word of a page's hOCR, in reading order."""
    out = []
    for m in _WORD.finditer(layer):
        word = html.unescape(m.group(5)).strip()
        if word:
            out.append((word, tuple(int(m.group(k)) for k in range(1, 5))))
    return out


def locate(tokens: list[str], words, skip: int = 2):
    """The box around the first run of ``words`` (``layout_words``) that holds ``tokens`` in order, at most
    ``skip`` other words (dust) between two of them; None when they are not found."""
    want = [_plain(t) for t in tokens]
    have = [_plain(w) for w, _ in words]
    for start in (k for k, w in enumerate(have) if want and w == want[0]):
        at, found = start, [start]
        for token in want[1:]:
            nxt = next((k for k in range(at + 1, min(len(have), at + 2 + skip)) if have[k] == token), None)
            if nxt is None:
                break
            at = nxt
            found.append(at)
        if len(found) == len(want):
            boxes = [words[k][1] for k in found]
            return (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
    return None


def disagreements(tokens: list[str], again: list[str]) -> list[dict]:
    """The words of the first reading ``tokens`` that the second reading ``again`` reads otherwise, as doubts
    (``hesitations``' form, ``"again": True``). A second reading that shares fewer than half the words read a
    different region: no doubt from it."""
    first, second = [_plain(t) for t in tokens], [_plain(t) for t in again]
    matcher = difflib.SequenceMatcher(None, first, second, autojunk=False)
    if not first or 2 * sum(b.size for b in matcher.get_matching_blocks()) < len(first):
        return []
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace":
            continue
        for k in range(i1, i2):
            alt = second[j1 + k - i1] if i2 - i1 == j2 - j1 else " ".join(second[j1:j2])
            if first[k] and alt and first[k] != alt:
                before, after = (first[k - 1] if k else ""), (first[k + 1] if k + 1 < len(first) else "")
                out.append({"word": first[k], "alt": alt, "p": 100.0, "before": before, "after": after, "again": True})
    return out


def second_reading(img, dpi, text, layer, doubts, base: Path, env) -> list[dict]:
    """Read the subject (trích yếu) of the first page a second time, alone, and return where the two readings
    differ, as doubts. Tesseract reads a line by the shape of the whole page around it; cut out, the same letters
    are read afresh, and a tone mark one reading added or lost shows as a difference. Only when the prefill would
    give the subject without a flag (else the clerk checks it anyway); the words are found on the page by the
    layout already read, so the cut-out is a few lines and costs a fraction of the page."""
    from . import prefill

    subject = prefill.extract(text, doubts=doubts).subject
    if not subject.value or subject.confidence < LOW or not layer:
        return []
    tokens = subject.raw.split()
    box = locate(tokens, layout_words(layer))
    if box is None:
        return []
    pad = max(4, (box[3] - box[1]) // max(1, subject.raw.count("\n") + 1) // 3)
    try:  # a second look that cannot be had leaves the first reading as it is
        crop = img.crop((max(0, box[0] - pad), max(0, box[1] - pad), box[2] + pad, box[3] + pad))
        source = base.with_suffix(".pgm" if crop.mode in ("L", "1") else ".ppm")
        crop.save(source)
        command = ["tesseract", str(source), "stdout", "-l", "vie", "--dpi", str(dpi), "--psm", "6"]
        done = subprocess.run(command, capture_output=True, timeout=PAGE_TIMEOUT, env=env, check=False)
    except (OSError, ValueError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    return disagreements(tokens, done.stdout.decode("utf-8", "replace").split())


_GROUP = re.compile(r"<span class='ocrx_cinfo' id='lstm_choices[^']*'>(.*?)</span></span>", re.S)
_CHOICE = re.compile(r"<span class='ocrx_cinfo' id='choice[^']*' title='x_confs ([\d.]+)'>([^<]*)")
_CINFO = re.compile(r"\s*<span class='ocrx_cinfo' id='lstm_choices.*?</span></span>", re.S)
MAX_DOUBTS = 400


def hesitations(hocr: str) -> tuple[str, list[dict]]:
    """-> (the hOCR without the letters' runner-ups, the words where a runner-up letter came close): the word,
    the word with its strongest runner-up letter, how likely that letter was (0..100) and the neighbours:
    ``{"word": "chỉ", "alt": "chi", "p": 27.8, "before": "mức", "after": "hỗ"}``."""
    words, doubts = [], []
    for chunk in hocr.split("<span class='ocrx_word'")[1:]:
        body = chunk.split(">", 1)[1]
        shown = html.unescape(body.split("<", 1)[0]).strip()
        groups = [[(float(c), html.unescape(t)) for c, t in _CHOICE.findall(g)] for g in _GROUP.findall(body)]
        best = [max(g)[1] if g else "" for g in groups]
        alt, strongest = None, 0.0
        for k, g in enumerate(groups):
            ranked = sorted(g, reverse=True)
            if len(ranked) > 1 and ranked[1][0] > strongest and ranked[1][1].strip() and ranked[1][1] != ranked[0][1]:
                alt, strongest = "".join(best[:k] + [ranked[1][1]] + best[k + 1 :]).strip(), ranked[1][0]
        words.append((shown, alt if strongest >= NOTED else None, strongest))
    for k, (shown, alt, strongest) in enumerate(words):
        if alt and alt != shown:
            doubts.append(
                {
                    "word": shown,
                    "alt": alt,
                    "p": round(strongest, 1),
                    "before": words[k - 1][0] if k else "",
                    "after": words[k + 1][0] if k + 1 < len(words) else "",
                }
            )
    return _CINFO.sub("", hocr), doubts


def _collect(results, job, progress, total):
    index, future = job
    results[index] = future.result()
    if progress is not None:
        done = sum(1 for r in results if r is not None)
        progress(min(1.0, done / max(1, total, len(results))))


def _frames(data) -> int:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            return getattr(img, "n_frames", 1)
    except Exception:  # reported by the reading itself
        return 1


@functools.lru_cache(maxsize=1)
def tesseract_version() -> str:
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    m = re.search(r"\d+\.\d+(?:\.\d+)?", out.stdout or out.stderr)
    return m.group(0) if m else ""
