/* Live updates (vpdt/core/realtime.py): one WebSocket per page, opened at the address in <meta name="vpdt-live">.
   A message is a nudge {kind: "notification" | "chat" | …}: the elements marked data-live="<kind>" ask the server
   again (htmx event "vpdt:refresh"), and "vpdt:live" is dispatched on the document for scripts. When the socket
   cannot open (a proxy that blocks WebSockets), the page keeps asking at its usual pace: it only gets slower. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="vpdt-live"]');
  if (!meta || !meta.content || !("WebSocket" in window)) return;
  var delay = 1000;
  var socket = null;
  var stopped = false;

  function nudge(data) {
    if (!data || typeof data.kind !== "string") return;
    document.querySelectorAll("[data-live]").forEach(function (elt) {
      if (elt.getAttribute("data-live").split(/\s+/).indexOf(data.kind) !== -1 && window.htmx) {
        window.htmx.trigger(elt, "vpdt:refresh", data);
      }
    });
    document.dispatchEvent(new CustomEvent("vpdt:live", { detail: data }));
  }

  function open() {
    if (stopped) return;
    try {
      socket = new WebSocket(meta.content);
    } catch (e) {
      return;
    }
    socket.addEventListener("open", function () {
      delay = 1000;
      document.documentElement.setAttribute("data-live-state", "on");
    });
    socket.addEventListener("message", function (event) {
      try {
        nudge(JSON.parse(event.data));
      } catch (e) {
        /* not a nudge: ignored */
      }
    });
    socket.addEventListener("close", function (event) {
      document.documentElement.setAttribute("data-live-state", "off");
      if (event.code === 4401) return; // the session has ended: the next page load signs in again
      window.setTimeout(open, delay);
      delay = Math.min(delay * 2, 60000);
    });
  }

  window.addEventListener("pagehide", function () {
    stopped = true;
    if (socket) socket.close();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      stopped = false;
      delay = 1000;
      open();
    }
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", open);
  else open();
})();
