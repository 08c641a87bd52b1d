from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vpdt.directory.models import Agency
from vpdt.sampledata import generator, incoming_generator, outgoing_generator


class Command(BaseCommand):
    help = "Sinh dữ liệu cỡ một tỉnh để đo hiệu năng: cơ quan, đơn vị, cán bộ và chức vụ."

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, default=250)
        parser.add_argument("--users", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--incoming",
            type=int,
            default=0,
            help="Số văn bản đến cần sinh thêm (ví dụ 1000000), kèm phân công và nhật ký.",
        )
        parser.add_argument(
            "--outgoing",
            type=int,
            default=0,
            help="Số văn bản đi cần sinh thêm (ví dụ 1000000), kèm các bước duyệt, nơi nhận và nhật ký.",
        )
        parser.add_argument(
            "--part",
            default="1/1",
            help="Chạy song song: phần i/k (mỗi phần một tiến trình, cùng --outgoing và --seed).",
        )
        parser.add_argument("--no-trail", action="store_true", help="Không ghi nhật ký cho văn bản sinh tự động.")

    def handle(self, *args, **options):
        if options["agencies"] < 2 or options["users"] < options["agencies"] * 3:
            raise CommandError("Cần ít nhất 2 cơ quan và ít nhất 3 người cho mỗi cơ quan.")
        quiet = options["verbosity"] < 1
        if not Agency.objects.filter(code=generator.ROOT_CODE).exists():
            self._directory(options, quiet)
        elif not options["incoming"] and not options["outgoing"]:
            raise CommandError("Dữ liệu sinh tự động (tỉnh Hà Tĩnh, mã 000.00.00.H42) đã có trong CSDL.")
        if options["incoming"]:
            with tqdm(total=options["incoming"], desc="Văn bản đến", unit="vb", disable=quiet) as bar:
                made = incoming_generator.generate_incoming(
                    options["incoming"], options["seed"], progress=bar.update, with_trail=not options["no_trail"]
                )
            self.stdout.write(self.style.SUCCESS(f"Đã sinh {made} văn bản đến."))
        if options["outgoing"]:
            try:
                i, k = (int(x) for x in options["part"].split("/"))
                if not 1 <= i <= k:
                    raise ValueError
            except ValueError:
                raise CommandError("--part phải có dạng i/k, ví dụ 1/3.") from None
            try:
                with tqdm(total=options["outgoing"], desc="Văn bản đi", unit="vb", disable=quiet) as bar:
                    made = outgoing_generator.generate_outgoing(
                        options["outgoing"],
                        options["seed"],
                        progress=bar.update,
                        with_trail=not options["no_trail"],
                        part=(i - 1, k),
                    )
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"Đã sinh {made} văn bản đi."))

    def _directory(self, options, quiet):
        bars = {
            "agencies": tqdm(total=options["agencies"], desc="Cơ quan", unit="cq", disable=quiet),
            "users": tqdm(total=options["users"], desc="Cán bộ", unit="người", disable=quiet),
        }
        try:
            result = generator.generate(
                options["agencies"], options["users"], options["seed"], progress=lambda kind, n: bars[kind].update(n)
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for bar in bars.values():
                bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sinh {result.agencies} cơ quan, {result.units} đơn vị, {result.users} cán bộ. "
                f"Mật khẩu chung của dữ liệu sinh: {generator.BENCH_PASSWORD}"
            )
        )
