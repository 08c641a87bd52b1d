/* The installable application: registers the service worker (core/sw.js), shows the "Mất kết nối" state, and
 * turns web push on or off on this device (the account page's panel, data-push-panel). */
(function () {
  "use strict";

  var swMeta = document.querySelector('meta[name="vpdt-sw"]');
  if (swMeta && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(swMeta.content, { scope: "/" }).catch(function () {});
  }

  function connection() {
    var offline = !navigator.onLine;
    document.querySelectorAll("[data-offline-banner]").forEach(function (banner) {
      banner.hidden = !offline;
    });
    document.documentElement.classList.toggle("vpdt-offline", offline);
  }
  window.addEventListener("offline", connection);
  window.addEventListener("online", function () {
    connection();
    if (document.body && document.body.hasAttribute("data-offline-page")) {
      window.location.reload();
    }
  });
  document.addEventListener("DOMContentLoaded", connection);
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-reload]")) {
      window.location.reload();
    }
  });
  // The offline page also asks the server itself every few seconds: the "online" event is not sent everywhere, and
  // a network that is back for the device may still not reach the server.
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.body.hasAttribute("data-offline-page")) return;
    window.setInterval(function () {
      if (!navigator.onLine) return;
      fetch(window.location.href, { method: "HEAD", cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (response.status < 500) window.location.reload();
        })
        .catch(function () {});
    }, 4000);
  });

  // ------------------------------------------------------------------ web push
  function csrf() {
    var holder = document.body && document.body.getAttribute("hx-headers");
    try {
      return JSON.parse(holder || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || response.statusText);
        }
        return data;
      });
    });
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function pushPanel(panel) {
    var on = panel.querySelector("[data-push-on]");
    var off = panel.querySelector("[data-push-off]");
    var status = panel.querySelector("[data-push-status]");
    function say(text) {
      status.textContent = text;
    }
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
      say(status.dataset.unsupported);
      return;
    }
    if (window.Notification && Notification.permission === "denied") {
      say(status.dataset.denied);
    }
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription().then(function (current) {
        on.hidden = !!current;
        off.hidden = !current;
        on.addEventListener("click", function () {
          on.disabled = true;
          fetch(panel.dataset.keyUrl, { credentials: "same-origin" })
            .then(function (r) {
              return r.json();
            })
            .then(function (data) {
              return registration.pushManager.subscribe({
                userVisibleOnly: true,
                applicationServerKey: keyBytes(data.key),
              });
            })
            .then(function (subscription) {
              return post(panel.dataset.subscribeUrl, subscription.toJSON());
            })
            .then(function (data) {
              say(data.message);
              on.hidden = true;
              off.hidden = false;
            })
            .catch(function (error) {
              say(
                window.Notification && Notification.permission === "denied"
                  ? status.dataset.denied
                  : status.dataset.failed + error.message
              );
            })
            .finally(function () {
              on.disabled = false;
            });
        });
        off.addEventListener("click", function () {
          registration.pushManager.getSubscription().then(function (subscription) {
            if (!subscription) return;
            var endpoint = subscription.endpoint;
            subscription
              .unsubscribe()
              .then(function () {
                return post(panel.dataset.unsubscribeUrl, { endpoint: endpoint });
              })
              .then(function (data) {
                say(data.message);
                on.hidden = false;
                off.hidden = true;
              })
              .catch(function (error) {
                say(status.dataset.failed + error.message);
              });
          });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-push-panel]").forEach(pushPanel);
  });
})();
