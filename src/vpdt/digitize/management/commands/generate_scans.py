import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vpdt.digitize import corpus, corpus_colour


class Command(BaseCommand):
    help = (
        "Sinh ảnh quét giả lập (A4, 200 dpi) của trang đầu văn bản theo Nghị định 30, kèm tệp JSON giá trị "
        "đúng của từng trường, để đo độ chính xác của nhận dạng và điền sẵn. --mau: bản quét màu (JPEG) có dấu "
        "đỏ đóng lên chữ ký xanh như Nghị định 30 yêu cầu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=40, help="Số trang cần sinh.")
        parser.add_argument("--start", type=int, default=0, help="Hạt giống (seed) của trang đầu tiên.")
        parser.add_argument(
            "--held-out",
            action="store_true",
            help="Sinh bộ giữ riêng (chỉ dùng cho đo hiệu năng, không dùng khi phát triển).",
        )
        parser.add_argument(
            "--mau", "--colour", dest="colour", action="store_true", help="Sinh bộ bản quét màu có dấu và chữ ký."
        )
        parser.add_argument("--out", required=True, help="Thư mục ghi ảnh (PNG xám, JPEG màu) và tệp JSON.")

    def handle(self, *args, **options):
        if options["count"] < 1 or options["start"] < 0:
            raise CommandError("--count phải lớn hơn 0 và --start không được âm.")
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Không tạo được thư mục {out}: {exc}") from exc
        prefix = ("held-out" if options["held_out"] else "dev") + ("-mau" if options["colour"] else "")
        module, suffix = (corpus_colour, "jpg") if options["colour"] else (corpus, "png")
        seeds = range(options["start"], options["start"] + options["count"])
        with tqdm(total=len(seeds), desc="Ảnh quét", unit="trang", disable=options["verbosity"] < 1) as bar:
            for seed in seeds:
                image, truth = module.render(seed, held_out=options["held_out"])
                (out / f"{prefix}-{seed:05d}.{suffix}").write_bytes(image)
                (out / f"{prefix}-{seed:05d}.json").write_text(
                    json.dumps(corpus.truth_json(truth), ensure_ascii=False, indent=2), encoding="utf-8"
                )
                bar.update(1)
        self.stdout.write(f"Đã ghi {len(seeds)} trang ({prefix}) vào {out}")
