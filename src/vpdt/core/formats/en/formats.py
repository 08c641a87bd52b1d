# English pages keep the Vietnamese date conventions (dd/mm/yyyy, 24-hour time): users are in Vietnam.
from vpdt.core.formats.vi.formats import *  # noqa: F403
