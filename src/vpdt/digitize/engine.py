"""The engines behind digitization, on bytes and temporary COPIES only (the stored original is never touched):
inspecting PDFs (signed? text layer?), OCR with ocrmypdf + Tesseract ``vie`` into a searchable PDF/A, and
DOCX/ODT conversion to PDF with LibreOffice headless when it is installed."""

from __future__ import annotations

import functools
import io
import logging
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

NO_VIE = "Máy chủ chưa cài gói ngôn ngữ tiếng Việt cho Tesseract (tesseract-ocr-vie)"
NO_TESSERACT = "Máy chủ chưa cài Tesseract OCR (tesseract-ocr, tesseract-ocr-vie)"
NO_LIBREOFFICE = "Máy chủ chưa cài LibreOffice nên chưa chuyển được tệp DOCX/ODT sang PDF để xem"
CORRUPT_PDF = "Tệp PDF bị hỏng hoặc không đọc được, không nhận dạng được chữ."
ENCRYPTED_PDF = "Tệp PDF được đặt mật khẩu, không nhận dạng được chữ."
BAD_IMAGE = "Tệp ảnh bị hỏng hoặc có định dạng không hỗ trợ (chỉ nhận PNG, JPEG, TIFF)."
UNSUPPORTED = "Loại tệp này không cần số hóa (chỉ PDF, ảnh PNG/JPEG/TIFF, DOCX/ODT)."
OCR_FAILED = "Bộ nhận dạng chữ gặp lỗi khi xử lý tệp."
CONVERT_FAILED = "LibreOffice không chuyển được tệp sang PDF."
CONVERT_TIMEOUT = "LibreOffice chuyển tệp sang PDF quá lâu nên đã bị dừng; tệp có thể quá lớn hoặc bị hỏng."
CORRUPT_OFFICE = "Tệp DOCX/ODT bị hỏng (không phải gói nén hợp lệ), không chuyển được sang PDF."
OFFICE_TOO_BIG = (
    "Tệp DOCX/ODT khi giải nén quá lớn ({what}) nên không chuyển sang PDF: có thể là tệp độc hại "
    "(“bom nén”). Hãy kiểm tra lại tệp với người gửi."
)

OFFICE_MAX_ENTRIES = 5000  # parts in a DOCX/ODT package; a long report with images has a few hundred
OFFICE_MAX_RATIO = 100  # uncompressed / compressed size of the whole package (XML compresses about 5 to 20 times)
MIN_CHARS = 20  # characters of text that make a page "have a text layer"
DEFAULT_DPI = 200  # for images that do not say their resolution
OFFICE = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


class EngineError(Exception):
    """A failure explained in Vietnamese (shown to the user as it is)."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail


class Unavailable(EngineError):
    """A tool the server lacks (not the file's fault)."""


@functools.lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    """Languages of the installed Tesseract (cached for the life of the process)."""
    exe = shutil.which("tesseract")
    if not exe:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (out.stdout or out.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def require_vietnamese() -> None:
    """Fail fast, before any work, when Tesseract or its Vietnamese pack is missing."""
    if not shutil.which("tesseract"):
        raise Unavailable(NO_TESSERACT)
    if "vie" not in tesseract_languages():
        raise Unavailable(NO_VIE)


def kind_of(data: bytes, name: str = "", content_type: str = "") -> str:
    """ "pdf", "image", "docx", "odt" or "" (content first, then the declared type and the name)."""
    import filetype

    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    mime = (filetype.guess_mime(data[:8192]) or "") if data else ""
    if mime.startswith("image/") and mime in ("image/png", "image/jpeg", "image/tiff"):
        return "image"
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    for kind, office_mime in OFFICE.items():
        if content_type == office_mime or (mime in ("application/zip", office_mime, "") and suffix == kind):
            return kind
    if content_type == "application/pdf" or suffix == "pdf":
        return "pdf"  # declared a PDF but does not look like one: the PDF steps report it as damaged
    if content_type in ("image/png", "image/jpeg", "image/tiff"):
        return "image"
    return ""


def is_signed(data: bytes) -> bool:
    """The PDF carries a digital signature (then it is never rewritten, not even through a copy we keep)."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        return bool(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures)
    except Exception:  # unreadable by pyHanko: be conservative and trust the bytes
        return b"/ByteRange" in data and b"/Sig" in data


def page_texts(data: bytes) -> list[str]:
    """The text layer of every page (pypdf)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise EngineError(ENCRYPTED_PDF) from exc
        return [(page.extract_text() or "") for page in reader.pages]
    except EngineError:
        raise
    except FileNotDecryptedError as exc:
        raise EngineError(ENCRYPTED_PDF, str(exc)) from exc
    except (PdfReadError, Exception) as exc:  # pypdf raises many kinds of errors on damaged files
        raise EngineError(CORRUPT_PDF, f"{type(exc).__name__}: {exc}"[:300]) from exc


def has_text_layer(texts: list[str]) -> bool:
    """Born digital: at least half of the pages carry real text."""
    if not texts:
        return False
    with_text = sum(1 for t in texts if len("".join(t.split())) >= MIN_CHARS)
    return with_text * 2 >= len(texts)


@dataclass
class OcrResult:
    pdf: bytes
    text: str
    pages: int
    pdfa: bool
    message: str


def _prepare_image(data: bytes) -> tuple[bytes, int | None]:
    """Check the image, flatten transparency onto white (phone scans, screenshots: ocrmypdf refuses an alpha
    channel) and say which resolution to assume when the file does not tell it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            dpi = img.info.get("dpi")
            assumed = None if dpi and min(dpi) >= 50 else DEFAULT_DPI
            if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
                rgba = img.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                out = io.BytesIO()
                flat.save(out, "PNG", dpi=tuple(dpi) if dpi and min(dpi) >= 50 else (DEFAULT_DPI, DEFAULT_DPI))
                data = out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise EngineError(BAD_IMAGE, str(exc)[:300]) from exc
    return data, assumed


def ocr(data: bytes, kind: str, progress=None, layers: list[str] | None = None) -> OcrResult:
    """OCR a scan (``kind`` "pdf" or "image") into a searchable PDF/A; pages that already have text are kept.
    ``progress(share)`` is called as pages are recognised (share of pages done, 0..1). ``layers``: the hOCR of
    each page already read (``reading.read``): those pages are not read again (the text returned is then only
    that of the pages read here)."""
    import ocrmypdf
    import pikepdf
    from ocrmypdf import exceptions as ox

    from . import ocr_progress

    require_vietnamese()
    from django.conf import settings

    options = dict(
        language="vie",
        output_type="auto",
        progress_bar=False,
        skip_text=True,
        jobs=max(1, int(getattr(settings, "VPDT_OCR_JOBS", 1))),
        plugins=["vpdt.digitize.ocr_progress"],
    )
    if kind == "image":
        data, dpi = _prepare_image(data)
        if dpi:
            options["image_dpi"] = dpi
    with tempfile.TemporaryDirectory(prefix="vpdt-ocr-") as tmp:
        if layers and any(layers):
            folder = Path(tmp) / "layers"
            folder.mkdir()
            for n, layer in enumerate(layers):
                if layer:
                    (folder / f"{n + 1:06d}.hocr").write_text(layer, encoding="utf-8")
            options["plugins"] = [*options["plugins"], "vpdt.digitize.ocr_reuse"]
            options["vpdt_layers"] = str(folder)
        source = Path(tmp) / ("input.pdf" if kind == "pdf" else "input.img")
        target, sidecar = Path(tmp) / "output.pdf", Path(tmp) / "output.txt"
        source.write_bytes(data)  # a copy: the stored original is never given to the engine
        try:
            with ocr_progress.reporting(progress):
                code = ocrmypdf.ocr(source, target, sidecar=sidecar, **options)
        except ox.MissingDependencyError as exc:
            raise Unavailable(NO_TESSERACT, str(exc)[:300]) from exc
        except ox.EncryptedPdfError as exc:
            raise EngineError(ENCRYPTED_PDF, str(exc)[:300]) from exc
        except ox.DigitalSignatureError as exc:
            raise EngineError("Tệp PDF có chữ ký số: không sửa.", str(exc)[:300]) from exc
        except (ox.UnsupportedImageFormatError, ox.DpiError) as exc:
            raise EngineError(BAD_IMAGE, str(exc)[:300]) from exc
        except ox.InputFileError as exc:
            raise EngineError(CORRUPT_PDF if kind == "pdf" else BAD_IMAGE, str(exc)[:300]) from exc
        except ox.ExitCodeException as exc:
            raise EngineError(OCR_FAILED, f"{type(exc).__name__}: {exc}"[:300]) from exc
        except Exception as exc:  # pikepdf / tesseract / image errors deep in the pipeline
            if kind == "pdf" and isinstance(exc, pikepdf.PdfError):
                raise EngineError(CORRUPT_PDF, str(exc)[:300]) from exc
            raise EngineError(OCR_FAILED, f"{type(exc).__name__}: {exc}"[:300]) from exc
        if int(code) != 0 or not target.exists():
            raise EngineError(OCR_FAILED, f"ocrmypdf exit {int(code)}")
        pdf = target.read_bytes()
        text = sidecar.read_text(encoding="utf-8", errors="replace") if sidecar.exists() else ""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        pages = len(doc.pages)
        status = doc.open_metadata().pdfa_status
    text = text.replace("\f", "\n")
    if "[OCR skipped on page" in text:  # the sidecar marks pages that already had text: take that text
        text = "\n".join(page_texts(pdf))
    return OcrResult(
        pdf=pdf,
        text=text.strip(),
        pages=pages,
        pdfa=bool(status),
        message=f"ocrmypdf {ocrmypdf.__version__}, Tesseract vie" + (f", PDF/A-{status}" if status else ", PDF thường"),
    )


def office_converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def check_office_package(data: bytes) -> None:
    """Refuse a DOCX/ODT whose zip container would unpack into too much (a "zip bomb"): too many parts, too many
    bytes, or an implausible compression ratio. The declared sizes are checked first, then every part is
    unpacked as a stream, counting the real bytes (headers can lie) and checking each CRC."""
    from django.conf import settings

    limit = settings.VPDT_OFFICE_MAX_UNPACKED_MB * 1024 * 1024
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
            if len(parts) > OFFICE_MAX_ENTRIES:
                raise EngineError(OFFICE_TOO_BIG.format(what=f"{len(parts)} thành phần"))
            declared = sum(part.file_size for part in parts)
            _check_unpacked(declared, len(data), limit)
            unpacked = 0
            for part in parts:
                with package.open(part) as stream:
                    while chunk := stream.read(1024 * 1024):
                        unpacked += len(chunk)
                        _check_unpacked(unpacked, len(data), limit)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise EngineError(CORRUPT_OFFICE, f"{type(exc).__name__}: {exc}"[:300]) from exc


def _check_unpacked(size: int, packed: int, limit: int) -> None:
    if size > limit:
        raise EngineError(OFFICE_TOO_BIG.format(what=f"hơn {limit // (1024 * 1024)} MB"))
    if size > 10 * 1024 * 1024 and size > OFFICE_MAX_RATIO * max(packed, 1):
        raise EngineError(OFFICE_TOO_BIG.format(what=f"gấp hơn {OFFICE_MAX_RATIO} lần kích thước tệp"))


def _memory_limit(megabytes: int):
    """preexec_fn of the converter: an address-space ceiling inherited by LibreOffice and its helpers (the forked
    child only calls setrlimit before exec, which is safe in a threaded parent)."""

    def limit():
        size = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return limit


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is already gone


def convert_to_pdf(data: bytes, kind: str, timeout: int | None = None) -> bytes:
    """DOCX/ODT → PDF for viewing, with LibreOffice headless (a private profile, a copy of the file).

    The package is checked before LibreOffice sees it; LibreOffice runs in its own session (process group)
    with an address-space ceiling, and the whole group is killed when it overruns the time limit or leaves
    helpers behind."""
    from django.conf import settings

    exe = office_converter()
    if not exe:
        raise Unavailable(NO_LIBREOFFICE)
    check_office_package(data)
    timeout = timeout or settings.VPDT_OFFICE_TIMEOUT_SECONDS
    with tempfile.TemporaryDirectory(prefix="vpdt-convert-") as tmp:
        source = Path(tmp) / f"input.{kind}"
        source.write_bytes(data)
        command = [
            exe,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=_memory_limit(settings.VPDT_OFFICE_MEMORY_MB),
            )
        except OSError as exc:
            raise EngineError(CONVERT_FAILED, str(exc)[:300]) from exc
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc.pid)
            proc.communicate()
            raise EngineError(CONVERT_TIMEOUT, f"quá {timeout} giây") from exc
        finally:
            _kill_group(proc.pid)  # helpers LibreOffice may leave behind, even after a normal exit
        if proc.returncode != 0:
            raise EngineError(CONVERT_FAILED, f"exit {proc.returncode}: {err.decode('utf-8', 'replace')}"[:300])
        target = Path(tmp) / "input.pdf"
        if not target.exists():
            raise EngineError(CONVERT_FAILED)
        return target.read_bytes()
