from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from vpdt.accounts import services


class Command(BaseCommand):
    help = (
        f"Khóa tài khoản không sử dụng sau khi cấp và thu hồi tài khoản lâu không đăng nhập "
        f"(mặc định {settings.VPDT_LOCK_UNUSED_DAYS} và {settings.VPDT_REVOKE_INACTIVE_DAYS} ngày)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không thay đổi.")

    def handle(self, *args, **options):
        to_revoke, to_lock = services.inactivity_candidates()
        total = to_revoke.count() + to_lock.count()
        with tqdm(total=total, desc="Rà soát tài khoản", unit="tk", disable=options["verbosity"] < 1) as bar:
            counts = services.enforce_inactivity(dry_run=options["dry_run"], progress=bar.update)
        prefix = "(thử) " if options["dry_run"] else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}Thu hồi: {counts['revoked']}; khóa vì không sử dụng: {counts['locked_unused']}; "
                f"khóa vì chưa đổi mật khẩu: {counts['locked_password']}."
            )
        )
