"""``{{ doc.pk|path:"incoming:detail" }}``: the path of an object's page or action, as
``{% url "incoming:detail" doc.pk %}`` writes it, for the links of every row of a list (see :mod:`vpdt.core.links`).
Available in every template."""

from django import template

from vpdt.core.links import object_path

register = template.Library()


@register.filter
def path(pk, name: str) -> str:
    return object_path(name, pk)
