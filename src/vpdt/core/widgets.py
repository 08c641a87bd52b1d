"""Form widgets shared by every app."""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """As Django's ``attrs.html``: in order, ``False`` left out, ``True`` as a bare name."""
    return mark_safe(  # every part escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


SEARCHABLE_FROM = 15  # a longer list gets a search box (vpdt/forms.js, Tom Select)


class QuickSelect(forms.Select):
    """A select written in Python rather than one template per option (Django's widget templates): a select of an
    agency's people or units has hundreds of options, tens of milliseconds through templates. Same HTML: name,
    attributes, ``selected`` options, option groups. A list longer than ``SEARCHABLE_FROM`` options is marked
    ``data-searchable``: the page's script lets the person type to find an option."""

    def render(self, name, value, attrs=None, renderer=None):
        # Widget.get_context (name, attributes, value as a list of strings), not ChoiceWidget's: that one builds a
        # context dict for every option.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen, selected = set(widget["value"]), False
        parts, count = [], 0
        for option_value, option_label in self.choices:
            group = isinstance(option_label, list | tuple)
            options = option_label if group else [(option_value, option_label)]
            rendered = []
            count += len(options)
            for sub_value, sub_label in options:
                text = "" if sub_value is None else str(sub_value)
                mark = not selected and text in chosen
                selected = selected or mark
                rendered.append(
                    format_html('<option value="{}"{}>{}</option>', text, " selected" if mark else "", sub_label)
                )
            joined = mark_safe("".join(rendered))  # every option escaped by format_html
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', option_value, joined) if group else joined)
        attrs = widget["attrs"]
        if count > SEARCHABLE_FROM:
            attrs = {**attrs, "data-searchable": True}
        return format_html('<select name="{}"{}>{}</select>', widget["name"], _attrs(attrs), mark_safe("".join(parts)))


class DateInput(forms.DateInput):
    """A day typed as dd/mm/yyyy, with a calendar in Vietnamese beside it (vpdt/forms.js, flatpickr): the field
    stays a text box, so typing, pasting and the value the server reads are the same with or without the script."""

    def __init__(self, attrs=None):
        super().__init__(
            format="%d/%m/%Y",
            attrs={
                "class": "form-control",
                "placeholder": "dd/mm/yyyy",
                "inputmode": "numeric",
                "autocomplete": "off",
                "data-datepicker": True,
                **(attrs or {}),
            },
        )
