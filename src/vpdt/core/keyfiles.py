"""Key files kept outside the database (the journal's secrets, the web push key): written once, 0600, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def create(path: Path, content: bytes) -> bool:
    """Write ``content`` to a new file ``path`` with permissions 0600. Never replaces an existing file: when another
    process wrote it first, theirs stays and False is returned."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)  # atomic, and fails if the file exists
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)
