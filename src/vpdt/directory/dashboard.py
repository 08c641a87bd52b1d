"""The home page widget of the person's positions (registered in ``DirectoryConfig.ready()``)."""

from vpdt.core import dashboard

from .models import Position


def positions(request) -> dict:
    rows = (
        Position.objects.filter(user=request.user, is_active=True)
        .select_related("agency", "unit")
        .order_by("-is_primary", "id")
    )
    return {"rows": rows}


def register() -> None:
    dashboard.register(
        "directory.positions", region="side", order=10, template="directory/widgets/positions.html", data=positions
    )
