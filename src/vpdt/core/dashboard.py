"""The home page is made of widgets the apps contribute in their ``AppConfig.ready()``: core owns the page and
its regions, each app its cards, so the home page imports no app.

A widget is a template rendered with ``data``, what its function returns for the request (``None``: the widget
is not shown to this person). Widgets of a region are shown in ``order``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

REGIONS = (
    "alerts",  # above everything, full width
    "chart",  # the narrow column, first: for leaders, how the agency's work goes
    "side",  # the narrow column: who the person is
    "main",  # the cards of work waiting for the person
    "admin",  # below: what an administrator watches
)


@dataclass(frozen=True)
class Widget:
    name: str
    region: str
    order: int
    template: str
    data: Callable


_widgets: dict[str, Widget] = {}


def register(name: str, *, region: str, order: int, template: str, data: Callable) -> None:
    """Add (or replace) the widget ``name``: ``data(request)`` gives its template's ``data``, or ``None``."""
    if region not in REGIONS:
        raise ValueError(f"Unknown home page region {region!r}")
    _widgets[name] = Widget(name, region, order, template, data)


def widgets_for(request) -> dict[str, list[dict]]:
    """The widgets shown to the person, by region: ``{"template", "data"}`` each."""
    regions: dict[str, list[dict]] = {region: [] for region in REGIONS}
    for widget in sorted(_widgets.values(), key=lambda w: (w.order, w.name)):
        data = widget.data(request)
        if data is not None:
            regions[widget.region].append({"name": widget.name, "template": widget.template, "data": data})
    return regions
