"""The people the benchmarks act as: a sample across the generated province, not its busiest agency.

Agencies of every level — the province's people's committee, departments, districts, communes — drawn with a fixed
seed (two per level by default), and in each the holder of every working role: the leader, the clerk, a unit leader
and a staff member (the unit leader and the staff member drawn at random among those of the agency). Timings are
pooled over the whole sample, so p95 says what the slow viewers see, not the lucky one."""

from __future__ import annotations

import random
from dataclasses import dataclass

from vpdt.accounts.models import User
from vpdt.directory.models import Agency, Level, Position, Role
from vpdt.sampledata import generator

ROLES = (Role.CLERK, Role.LEADER, Role.UNIT_LEADER, Role.STAFF)
ROLE_NAMES = {
    Role.CLERK: "văn thư",
    Role.LEADER: "lãnh đạo",
    Role.UNIT_LEADER: "lãnh đạo đơn vị",
    Role.STAFF: "chuyên viên",
}


@dataclass
class Viewer:
    user: User
    role: str
    agency: Agency
    level: str

    @property
    def label(self) -> str:
        return f"{ROLE_NAMES[self.role]} · {self.agency.name}"


def agencies(per_level: int = 2, seed: int = 7) -> list[tuple[str, Agency]]:
    """(level name, agency): the province's people's committee, then ``per_level`` departments, districts, communes."""
    rng = random.Random(seed)
    root = Agency.objects.get(code=generator.ROOT_CODE)
    province = Agency.objects.filter(path__startswith=root.path)
    picked = [("tỉnh", root)]
    groups = (
        ("sở", province.filter(level=Level.PROVINCE).exclude(pk=root.pk)),
        ("huyện", province.filter(level=Level.DISTRICT)),
        ("xã", province.filter(level=Level.COMMUNE)),
    )
    for name, qs in groups:
        pool = list(qs.order_by("pk"))
        picked += [(name, a) for a in rng.sample(pool, min(per_level, len(pool)))]
    return picked


def sample(per_level: int = 2, seed: int = 7) -> list[Viewer]:
    rng = random.Random(seed)
    viewers = []
    for level, agency in agencies(per_level, seed):
        for role in ROLES:
            users = list(
                Position.objects.filter(agency=agency, role=role, is_active=True)
                .order_by("user_id")
                .values_list("user_id", flat=True)
                .distinct()
            )
            if users:
                user = User.objects.get(pk=users[0] if role in (Role.CLERK, Role.LEADER) else rng.choice(users))
                viewers.append(Viewer(user=user, role=role, agency=agency, level=level))
    return viewers
