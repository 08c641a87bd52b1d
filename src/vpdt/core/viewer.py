"""The document viewer shown beside the action panel (templates ``core/_viewer.html``, ``static/vpdt/viewer.js``,
pdf.js under ``static/vendor/pdfjs``): the files of a document as tabs, each read through its app's own authorized
download view, asked for inline with ``?xem=1``.

A download view answers with :func:`file_response`: inline only for the types a browser shows itself (PDF and
images), an attachment for everything else, so a file can never be opened as a page of vpdt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import FileResponse

INLINE_PARAM = "xem"
PDF, IMAGE, OTHER = "pdf", "image", "other"
INLINE_TYPES = {
    "application/pdf": PDF,
    "image/png": IMAGE,
    "image/jpeg": IMAGE,
    "image/gif": IMAGE,
    "image/webp": IMAGE,
}
EXTENSIONS = {".pdf": PDF, ".png": IMAGE, ".jpg": IMAGE, ".jpeg": IMAGE, ".gif": IMAGE, ".webp": IMAGE}


def kind_of(content_type: str, name: str = "") -> str:
    """PDF, IMAGE or OTHER, from the stored type (sniffed from the content at upload); the file name decides
    only when no type was recorded (a package from another system may say nothing)."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content_type in INLINE_TYPES:
        return INLINE_TYPES[content_type]
    if content_type and content_type != "application/octet-stream":
        return OTHER
    lowered = (name or "").lower()
    return next((kind for ext, kind in EXTENSIONS.items() if lowered.endswith(ext)), OTHER)


def inline_requested(request) -> bool:
    return request.GET.get(INLINE_PARAM) == "1"


def file_response(request, handle, *, filename: str, content_type: str) -> FileResponse:
    """A stored file for a download view that already found it through its queryset: inline when the viewer asks
    (``?xem=1``) and the browser can show the type itself, else an attachment."""
    content_type = content_type or "application/octet-stream"
    inline = inline_requested(request) and kind_of(content_type, filename) != OTHER
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    if inline:
        response["Cache-Control"] = "private, no-store"
    return response


# Signature states of a file, as the badge shows them: the verdicts of signing.models.Verdict, and for a file never
# checked whether it carries a signature ("signed", a signer's signed copy) or not ("draft"), or "" (unknown).
BADGE_STYLES = {
    "valid": ("text-bg-success", "bi-patch-check"),
    "invalid": ("text-bg-danger", "bi-exclamation-octagon"),
    "error": ("text-bg-danger", "bi-exclamation-octagon"),
    "unsigned": ("text-bg-secondary", ""),
    "not_pdf": ("text-bg-light border", ""),
    "signed": ("text-bg-primary", "bi-pen"),
    "draft": ("text-bg-light border", ""),
    "": ("text-bg-light border", "bi-question-circle"),
}


@dataclass(frozen=True)
class Badge:
    """The signature badge of one file (its text is the template's, translated): the state and its explanation."""

    verdict: str = ""
    title: str = ""

    @property
    def css(self) -> str:
        return BADGE_STYLES.get(self.verdict, BADGE_STYLES[""])[0]

    @property
    def icon(self) -> str:
        return BADGE_STYLES.get(self.verdict, BADGE_STYLES[""])[1]


@dataclass
class ViewerFile:
    name: str
    url: str  # the app's authorized download view
    content_type: str = ""
    badge: Badge | None = None
    note: str = ""  # what the file is ("Bản gốc phát hành", "Phiên bản 2")
    group: str = ""  # the document it belongs to, on a page of several (a queue)
    # What is shown instead of a file the browser cannot show itself: its searchable PDF copy (a TIFF scan).
    preview_url: str = ""
    preview_type: str = ""

    @property
    def kind(self) -> str:
        if self.preview_url:
            return kind_of(self.preview_type)
        return kind_of(self.content_type, self.name)

    @property
    def inline_url(self) -> str:
        url = self.preview_url or self.url
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}{INLINE_PARAM}=1"

    @property
    def extension(self) -> str:
        stem, dot, ext = self.name.rpartition(".")
        return ext.upper() if dot and stem and len(ext) <= 5 else ""


@dataclass
class Viewer:
    files: list[ViewerFile]
    # On a page of several documents (the arrivals queue): (group key, caption) of each, the first shown first.
    groups: list[tuple[str, str]] = field(default_factory=list)
