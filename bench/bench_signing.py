"""Digital signatures: time to sign and to verify one 10-page PDF (ND30 layout, A4) with pyHanko.

* the signer's visible PAdES signature at approval (including opening the PKCS#12 with its passphrase);
* the clerk's issue: number and date stamped into the prepared fields + the agency's seal signature, incremental;
* the invisible agency signature of an appendix with its top-right line;
* verification of the issued file (both signatures: integrity, chain to the trust root, later changes).
RSA 2048 / SHA-256 keys from a throwaway CA; no database, no network."""

import argparse
import datetime as dt
import os
import sys

import django

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

from common import measure, report

from vpdt.signing import keys, pades, pki, samples, verify

PASS = "Bench#KySo"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    args, _unknown = parser.parse_known_args()
    repeat = max(10, min(args.repeat, 50))
    root = pki.make_ca("Bench Root CA")
    sub = pki.make_ca("Bench Sub CA", parent=root)
    leader_p12 = pki.to_pkcs12(pki.make_signer(sub, "Trần Thị Thu Hà", organization="Sở Xây dựng"), PASS)
    agency_p12 = pki.to_pkcs12(pki.make_signer(sub, "Sở Xây dựng tỉnh Nghệ An"), PASS)
    body = [
        f"Điều {i}. Nội dung quy định chi tiết của điều {i} về công tác văn thư, lưu trữ tại cơ quan, "
        "bảo đảm thống nhất, đúng quy định của pháp luật."
        for i in range(1, 200)
    ]
    pdf = samples.nd30_pdf(body=body, pages=10)
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    look = pades.SignerLook("Trần Thị Thu Hà", "PHÓ GIÁM ĐỐC", "KT.", samples.signature_png("bench"))
    seal_png = samples.seal_png("Sở Xây dựng tỉnh Nghệ An")
    now = dt.datetime.now(dt.UTC)

    def sign():
        return pades.sign_as_signer(pdf, keys.signer_from_pkcs12(leader_p12, PASS), look, when=now)

    signed = sign()

    def seal():
        return pades.issue_and_seal(
            signed,
            keys.signer_from_pkcs12(agency_p12, PASS),
            number_text="Số: 15/QĐ-SXD",
            date_text="Nghệ An, ngày 26 tháng 11 năm 2026",
            seal=seal_png,
        )

    sealed = seal()

    def appendix():
        return pades.sign_invisible_with_line(
            pdf, keys.signer_from_pkcs12(agency_p12, PASS), line=pades.copy_line("15/QĐ-SXD", now)
        )

    roots, others = [keys.pyhanko_cert(root.cert)], [keys.pyhanko_cert(sub.cert)]

    def check():
        result = verify.verify_pdf(sealed, trust_roots=roots, other_certs=others)
        assert result.verdict == "valid", result.summary
        return result

    check()
    print(f"\nTệp đo: {pages} trang A4, {len(pdf) // 1024} KB; sau khi ký và đóng dấu: {len(sealed) // 1024} KB")
    report(
        "Signing — ký số và kiểm tra một tệp PDF 10 trang",
        [
            ("Ký duyệt (người ký, có hình chữ ký)", measure(sign, repeat)),
            ("Phát hành: điền số, ngày + ký số cơ quan", measure(seal, repeat)),
            ("Ký số phụ lục (không hiển thị + dòng số)", measure(appendix, repeat)),
            ("Kiểm tra 2 chữ ký của văn bản phát hành", measure(check, repeat)),
        ],
    )


if __name__ == "__main__":
    main()
