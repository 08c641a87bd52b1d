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
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(argv)
    except (OperationalError, ProgrammingError) as exc:
        from django.conf import settings

        text = str(exc)
        if "no such table" in text or "does not exist" in text:
            sys.stderr.write(
                f"Lỗi: cơ sở dữ liệu chưa được khởi tạo hoặc chưa cập nhật ({text.splitlines()[0]}).\n"
                f"Thư mục dữ liệu: {settings.DATA_DIR}. Chạy `vpdt migrate` (hoặc `make run`) rồi thử lại.\n"
            )
        else:
            sys.stderr.write(
                f"Lỗi cơ sở dữ liệu: {text.splitlines()[0] if text else exc!r}\n"
                "Kiểm tra DATABASE_URL và máy chủ CSDL.\n"
            )
        sys.exit(2)


if __name__ == "__main__":
    main()
