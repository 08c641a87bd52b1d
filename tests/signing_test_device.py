"""A test signer standing in for the leader's USB token service: a tiny HTTP server on 127.0.0.1 speaking the JSON
protocol of docs/signing-services.md, signing the requested field with pyHanko and its own appearance (no vpdt
signing code involved), with the key of a test certificate (the leader's by default)."""

from __future__ import annotations

import base64
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from vpdt.signing import pki

DEVICE_PIN = "123456"


def sign_locally(pdf: bytes, issued: pki.Issued, field: str, *, reason: str = "Ký duyệt văn bản") -> bytes:
    """Sign the existing empty field ``field`` of ``pdf`` incrementally, the way a token vendor's tool would."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.stamp import TextStampStyle

    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.to_pkcs12(issued, DEVICE_PIN), other_certs=[], passphrase=DEVICE_PIN.encode()
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field, reason=reason, md_algorithm="sha256")
    style = TextStampStyle(stamp_text="Signed with USB token (test device)\n%(ts)s", border_width=1)
    return signers.PdfSigner(meta, signer=signer, stamp_style=style).sign_pdf(writer).getvalue()


class SigningDevice:
    """``with SigningDevice(issued) as device: device.url`` — a local signing service on a random port."""

    def __init__(self, issued: pki.Issued, *, answer=None):
        self.issued = issued
        self.answer = answer  # optional callable(request_json) -> (status, body bytes) to simulate misbehaviour
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        device = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _cors(self):
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
                self.send_header("Access-Control-Allow-Private-Network", "true")

            def do_OPTIONS(self):  # the browser's CORS preflight
                self.send_response(204)
                self._cors()
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length).decode("utf-8"))
                    device.requests.append(body)
                    device.headers.append(dict(self.headers))
                    if device.answer is not None:
                        status, raw = device.answer(body)
                    else:
                        signed = sign_locally(
                            base64.b64decode(body["pdf"]),
                            device.issued,
                            body["field"],
                            reason=body.get("reason") or "Ký duyệt văn bản",
                        )
                        status, raw = 200, json.dumps({"signed_pdf": base64.b64encode(signed).decode()}).encode()
                except Exception as exc:  # the device reports its own errors as JSON
                    status, raw = 500, json.dumps({"error": f"Thiết bị lỗi: {exc}"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self._cors()
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/sign"

    def __enter__(self) -> SigningDevice:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def closed_port_url() -> str:
    """A localhost URL nothing listens on (the device is unplugged / its service is not running)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/sign"
