/* An open conversation (chat/detail.html) and the list (chat/list.html): the thread shows its newest message,
   follows new ones while the person reads the end, the box empties once a message is accepted ("chat-sent"), Enter
   sends (Shift+Enter: a new line). The messages themselves come through htmx: the poller asks when the live socket
   nudges it and every few seconds; while the socket is open (data-live-state="on") the timed asking only runs once a
   minute, as a safety net, since the nudges already bring everything. */
(function () {
  "use strict";

  var SAFETY_NET_MS = 60000;
  var asked = {};
  var loaded = Date.now(); // the page came with what there was
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || (elt.id !== "chat-poll" && elt.id !== "chat-list")) return;
    var timed = !(event.detail.requestConfig && event.detail.requestConfig.triggeringEvent);
    var live = document.documentElement.getAttribute("data-live-state") === "on";
    if (timed && live && Date.now() - (asked[elt.id] || loaded) < SAFETY_NET_MS) {
      event.preventDefault();
      return;
    }
    asked[elt.id] = Date.now();
  });

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
