/* An open conversation (chat/detail.html): the thread shows its newest message, follows new ones while the
   person reads the end, the box empties once a message is accepted ("chat-sent"), Enter sends (Shift+Enter: a new
   line). The messages themselves come through htmx (the poller, nudged by the live socket). */
(function () {
  "use strict";

  function thread() {
    return document.getElementById("chat-thread");
  }

  function atEnd(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  function toEnd() {
    var box = thread();
    if (box) box.scrollTop = box.scrollHeight;
  }

  var follow = true;
  document.addEventListener("htmx:oobBeforeSwap", function () {
    var box = thread();
    follow = !box || atEnd(box);
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var empty = document.querySelector("#chat-messages .vpdt-chat-empty");
    if (empty && document.querySelector("#chat-messages [id^='tn-']")) empty.remove();
    if (follow) toEnd();
  });

  document.addEventListener("chat-sent", function () {
    var form = document.getElementById("chat-send");
    if (!form) return;
    form.reset();
    var select = document.getElementById("chat-mentions");
    if (select && select.tomselect) select.tomselect.clear();
    follow = true;
  });

  document.addEventListener("keydown", function (event) {
    if (event.target.id !== "chat-text" || event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    var form = document.getElementById("chat-send");
    if (form && form.requestSubmit) form.requestSubmit();
  });

  function start() {
    toEnd();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
