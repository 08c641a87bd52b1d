/* Client-side signing through the signing service on the user's own computer (USB token).
 *
 * 1. fetch the prepared PDF from the server (same origin, the user's session cookie);
 * 2. POST it as JSON to the local service (data-signer-url, VPDT_LOCAL_SIGNER_URL):
 *      {"pdf": base64, "field": ..., "reason": ..., "session": ..., "signer": ..., "certificate": sha256 hex}
 *    and expect {"signed_pdf": base64} or {"error": "..."};
 * 3. upload the signed PDF to the server, which verifies it before approving.
 * Protocol and CORS notes: docs/signing-services.md. No dependencies. */
(function () {
  "use strict";

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer), chunk = 0x8000, parts = [];
    for (var i = 0; i < bytes.length; i += chunk) {
      parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + chunk)));
    }
    return window.btoa(parts.join(""));
  }

  function fromBase64(text) {
    var raw = window.atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function init(box) {
    var button = box.querySelector("[data-role=sign-local]");
    var status = box.querySelector("[data-role=status]");
    var d = box.dataset;

    function say(text, kind) {
      status.textContent = text;
      status.className = "mt-2 small " + (kind === "error" ? "text-danger" : kind === "ok" ? "text-success" : "text-muted");
    }

    async function sign() {
      button.disabled = true;
      try {
        say("Đang tải tài liệu đã chuẩn bị…");
        var prepared = await fetch(d.preparedUrl, {credentials: "same-origin"});
        if (!prepared.ok) { throw new Error("Không tải được tài liệu đã chuẩn bị (HTTP " + prepared.status + ")."); }
        var pdf = toBase64(await prepared.arrayBuffer());

        say("Đang chờ phần mềm ký số trên máy tính (nhập mã PIN của thiết bị nếu được hỏi)…");
        var answer;
        try {
          answer = await fetch(d.signerUrl, {
            method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
            body: JSON.stringify({pdf: pdf, field: d.field, reason: d.reason, session: d.session,
                                  signer: d.signer, certificate: d.certificate})
          });
        } catch (e) {
          throw new Error("Không kết nối được phần mềm ký số trên máy tính (" + d.signerUrl + "). Kiểm tra đã cài " +
                          "và bật phần mềm ký số, đã cắm USB token; hoặc dùng cách 2.");
        }
        var body = null;
        try { body = await answer.json(); } catch (e) { body = null; }
        if (body && body.error) { throw new Error("Phần mềm ký số báo lỗi: " + body.error); }
        if (!answer.ok) { throw new Error("Phần mềm ký số báo lỗi (HTTP " + answer.status + ")."); }
        if (!body || typeof body.signed_pdf !== "string") {
          throw new Error("Phần mềm ký số trả lời không đúng định dạng (cần trường “signed_pdf”).");
        }
        var signed;
        try { signed = fromBase64(body.signed_pdf); } catch (e) {
          throw new Error("Phần mềm ký số trả lời không đúng định dạng (base64 hỏng).");
        }

        say("Đang gửi tệp đã ký để máy chủ kiểm tra…");
        var form = new FormData();
        form.append("signed_pdf", new Blob([signed], {type: "application/pdf"}), "da-ky.pdf");
        var done = await fetch(d.completeUrl, {
          method: "POST", credentials: "same-origin", body: form,
          headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
        });
        var result = null;
        try { result = await done.json(); } catch (e) { result = null; }
        if (result && result.ok) {
          say("Đã ký số và duyệt dự thảo.", "ok");
          window.location.assign(result.redirect);
          return;
        }
        var reason = (result && result.error) || ("Máy chủ không nhận tệp đã ký (HTTP " + done.status + ").");
        say(reason + " Đang tải lại trang…", "error");
        window.setTimeout(function () { window.location.reload(); }, 4000);
      } catch (err) {
        say(err.message, "error");
        button.disabled = false;
      }
    }

    button.addEventListener("click", sign);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-local-signer]").forEach(init);
  });
})();
