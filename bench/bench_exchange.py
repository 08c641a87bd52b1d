"""Exchange (edXML): packages built and read per second, and the memory a large attachment needs.

* a 3-recipient package with a 5 MB PDF: written (base64 streamed into the output) and read back (hardened parser,
  base64 decoded as it arrives, SHA-256 of each attachment), p50/p95 and packages per second;
* the same package signed with an agency certificate (XML-DSig, RSA-SHA256) and its signature checked;
* the peak memory of reading a package with a 50 MB attachment, in a fresh process (above the interpreter's).
No database, no network."""

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile

import django

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

from common import measure, report

from vpdt.exchange.edxml import dsig, reader, writer
from vpdt.exchange.edxml.model import Attachment, MessageHeader, Organ, Package
from vpdt.signing import pki

MB = 1024 * 1024


def package(content) -> Package:
    return Package(
        header=MessageHeader(
            sender=Organ("000.00.00.H41", organ_name="Ủy ban nhân dân tỉnh Nghệ An"),
            to=[
                Organ("000.00.12.H41", organ_name="Sở Xây dựng tỉnh Nghệ An"),
                Organ("000.00.00.H42", organ_name="Ủy ban nhân dân tỉnh Hà Tĩnh"),
                Organ("000.00.00.G10", organ_name="Bộ Xây dựng"),
            ],
            code_number="1234",
            code_notation="UBND-KT",
            subject="V/v triển khai kế hoạch đầu tư công trung hạn giai đoạn 2026–2030",
            document_id="000.00.00.H41,2026/12/07,1234/UBND-KT",
        ),
        attachments=[Attachment("cid:1", "1234-UBND-KT.pdf", content=content)],
    )


def peak_read_mb(path: str) -> tuple[float, float]:
    """(peak memory of the process before reading, peak after), in MB."""
    script = (
        "import sys\n"
        "from vpdt.exchange.edxml import reader\n"
        "def kb(field):\n"
        "    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(field + ':'))\n"
        "open('/proc/self/clear_refs', 'w').write('5')  # the peak starts again from now (Linux)\n"
        "before = kb('VmRSS')\n"
        "with open(sys.argv[1], 'rb') as source:\n"
        "    got = reader.read(source)\n"
        "print(got.package.attachments[0].size, before // 1024, kb('VmHWM') // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, path], capture_output=True, text=True, check=True)
    _size, before, after = map(float, out.stdout.split())
    return before, after


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args, _unknown = parser.parse_known_args()
    repeat = max(10, min(args.repeat, 50))
    pdf = b"%PDF-1.7\n" + os.urandom(5 * MB)

    def build():
        return writer.package_bytes(package(io.BytesIO(pdf)))

    data = build()

    def read():
        reader.read(data).package.close()

    root = pki.make_ca("Bench Root CA")
    agency = pki.make_signer(pki.make_ca("Bench Sub CA", parent=root), "Ủy ban nhân dân tỉnh Nghệ An")
    signed = dsig.sign(data, key=agency.key, certificates=[agency.cert])
    rows = [
        ("gói 3 nơi nhận, PDF 5 MB: lập (ghi)", measure(build, repeat)),
        ("gói 3 nơi nhận, PDF 5 MB: đọc, giải mã, SHA-256", measure(read, repeat)),
        (
            "ký XML gói (RSA-SHA256)",
            measure(lambda: dsig.sign(data, key=agency.key, certificates=[agency.cert]), repeat),
        ),
        ("kiểm tra chữ ký XML gói", measure(lambda: dsig.verify(signed), repeat)),
    ]
    report("Exchange — gói tin edXML", rows)
    for name, r in rows[:2]:
        print(f"{name}: {1000 / r['p50']:.1f} gói/giây (trung vị)")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lon.edxml")
        with tempfile.TemporaryFile() as big, open(path, "wb") as out:
            for _ in range(50):
                big.write(os.urandom(MB))
            big.seek(0)
            writer.write_package(package(big), out)
        before, after = peak_read_mb(path)
        print(
            f"Đọc gói có tệp 50 MB ({os.path.getsize(path) // MB} MB): bộ nhớ tối đa của tiến trình {after:.1f} MB "
            f"(trước khi đọc {before:.1f} MB, tăng {after - before:.1f} MB)"
        )
    print(f"(tiến trình đo: bộ nhớ tối đa {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)")


if __name__ == "__main__":
    main()
