"""The small marks every list writes on each row, as tags rather than included templates (an include costs a
template context and a render per row): ``{% urgency_badge doc %}`` (độ khẩn) and ``{% due value state %}`` (a
deadline, in red once late, amber when it is near — ``state`` from :func:`vpdt.core.deadlines.due_state`).
Available in every template."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop

from .vn import dmy

register = template.Library()

DUE = {
    "late": ("text-danger fw-semibold", gettext_noop("quá hạn")),
    "due_soon": ("text-warning-emphasis fw-semibold", gettext_noop("sắp đến hạn")),
}


@register.simple_tag
def urgency_badge(doc) -> str:
    if doc.urgency:
        css = "badge text-bg-danger" if doc.urgency >= 1 else "badge"
        return format_html('<span class="{}" data-testid="urgency">{}</span>', css, doc.get_urgency_display())
    return format_html('<span class="badge text-bg-light">{}</span>', doc.get_urgency_display())


@register.simple_tag
def due(value, state) -> str:
    if not value:
        return "—"
    if state not in DUE:
        return format_html('<span class="">{}</span>', dmy(value))
    css, note = DUE[state]
    return format_html('<span class="{}" data-testid="due-{}">{} ({})</span>', css, state, dmy(value), gettext(note))
