"""Every static file the pages use can be collected: the production storage (whitenoise's manifest) refuses a style
sheet or script that names a file which is not there (a vendored library's source map, say), and `make run` stops."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

MAP = re.compile(rb"(?m)^/[/*][#@] sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$")  # as Django's manifest storage reads it


def test_vendored_files_name_only_files_that_exist():
    missing = []
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=[]):
            if not path.endswith((".js", ".css", ".mjs")):
                continue
            full = Path(storage.path(path))
            for name in MAP.findall(full.read_bytes()):
                target = name.decode(errors="replace")
                if not target.startswith("data:") and not (full.parent / target).exists():
                    missing.append(f"{path} → {target}")
    assert not missing, missing
