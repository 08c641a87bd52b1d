"""The ``vpdt`` administration command.

``vpdt <command>`` runs a Django management command; hyphenated names map to the underscore
form, so ``vpdt verify-journal`` runs ``verify_journal``. ``vpdt help`` lists them.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "vpdt"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
