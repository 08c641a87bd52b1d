"""The home page widget of the person's positions (registered in ``DirectoryConfig.ready()``)."""

from django.utils.translation import gettext_lazy as _

from vpdt.core import dashboard, menu

from .models import Position


def positions(request) -> dict:
    rows = (
        Position.objects.filter(user=request.user, is_active=True)
        .select_related("agency", "unit")
        .order_by("-is_primary", "id")
    )
    return {"rows": rows}


def register() -> None:
    menu.register("directory.agencies", section="directory", label=_("Cơ quan"), url="directory:agency_list", order=1)
    menu.register("directory.units", section="directory", label=_("Đơn vị"), url="directory:unit_list", order=2)
    dashboard.register(
        "directory.positions", region="side", order=10, template="directory/widgets/positions.html", data=positions
    )
