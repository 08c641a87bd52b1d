from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vpdt.journal import checkpoints, keys, services


class Command(BaseCommand):
    help = (
        "Kiểm tra nhật ký bằng khóa nhật ký và đối chiếu với các điểm kiểm tra đã ký: phát hiện mục bị sửa, "
        "bị xóa, bị đánh số lại hoặc mất phần cuối. Có thể xuất các điểm kiểm tra ra tệp, hoặc kiểm tra một "
        "tệp đã xuất mà không cần cơ sở dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="TỆP",
            help="Đối chiếu thêm với tệp điểm kiểm tra này (ví dụ bản đã xuất, giữ ở nơi khác).",
        )
        parser.add_argument(
            "--export",
            metavar="TỆP",
            help="Sau khi kiểm tra đạt: ký điểm kiểm tra của đầu chuỗi hiện tại và ghi mọi điểm kiểm tra ra TỆP.",
        )
        parser.add_argument(
            "--offline",
            metavar="TỆP",
            help="Chỉ kiểm tra chữ ký và thứ tự của một tệp điểm kiểm tra đã xuất, không cần CSDL.",
        )
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="HEX",
            help="Với --offline: khóa công khai tin cậy (in bởi `vpdt journal-key`); mặc định là "
            "các khóa đang cấu hình.",
        )

    def handle(self, *args, **options):
        if options["offline"]:
            return self._offline(Path(options["offline"]), options["public_key"])
        total = services.count()
        with tqdm(total=total, desc="Kiểm tra nhật ký", unit="mục", disable=options["verbosity"] < 1) as bar:
            result = services.verify(progress=bar.update, checkpoint_files=options["checkpoints"])
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {result.count} vấn đề trên {result.checked} mục.")
        self.stdout.write(
            self.style.SUCCESS(f"Nhật ký toàn vẹn: {result.checked} mục, đối chiếu {result.checkpoints} điểm kiểm tra.")
        )
        if options["export"]:
            exported = checkpoints.export(Path(options["export"]))
            self.stdout.write(f"Đã xuất {len(exported)} điểm kiểm tra ra {options['export']}.")

    def _offline(self, file: Path, public_hex: list[str]):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        if public_hex:
            try:
                publics = [Ed25519PublicKey.from_public_bytes(bytes.fromhex(h.strip())) for h in public_hex]
            except ValueError:
                raise CommandError("Khóa công khai không hợp lệ: cần 64 ký tự thập lục phân.") from None
            trusted = {keys.key_id(p): p for p in publics}
        else:
            trusted = {k.kid: k.public for k in keys.keyring()}
        found, problems = checkpoints.read(file, trusted)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"Tệp điểm kiểm tra KHÔNG hợp lệ: {len(problems)} vấn đề.")
        if not found:
            raise CommandError(f"Tệp {file} không có điểm kiểm tra nào.")
        last = found[-1]
        self.stdout.write(
            self.style.SUCCESS(
                f"Tệp điểm kiểm tra hợp lệ: {len(found)} điểm, chữ ký đúng, theo thứ tự. Điểm cuối: mục #{last.seq}, "
                f"mã {last.hash}, {checkpoints.describe(last).removeprefix('Điểm kiểm tra ')}."
            )
        )
