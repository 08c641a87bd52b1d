/* The page shell: the left menu collapsed to icons on a desktop (remembered in this browser), and the bell's
 * background count, paused while the tab is hidden and refreshed when it is shown again. No inline script: the
 * Content-Security-Policy allows none. */
(function () {
  "use strict";

  var KEY = "vpdt-menu-mini";
  var desktop = window.matchMedia("(min-width: 992px)");

  function setMini(on) {
    document.body.classList.toggle("vpdt-menu-mini", on);
    document.querySelectorAll("[data-vpdt-sidebar-toggle]").forEach(function (button) {
      button.setAttribute("aria-expanded", on ? "false" : "true");
    });
  }

  function remembered() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (e) {
      return false;
    }
  }

  setMini(remembered());

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-vpdt-sidebar-toggle]");
    if (!toggle) {
      return;
    }
    var on = !document.body.classList.contains("vpdt-menu-mini");
    setMini(on);
    try {
      window.localStorage.setItem(KEY, on ? "1" : "0");
    } catch (e) {
      /* private mode: the choice lasts for this page only */
    }
  });

  // Collapsed to icons, a section's links open beside it on hover or focus: a click only focuses the section.
  window.addEventListener("click", function (event) {
    var head = event.target.closest(".vpdt-menu-head[data-bs-toggle='collapse']");
    if (head && desktop.matches && document.body.classList.contains("vpdt-menu-mini")) {
      event.preventDefault();
      event.stopPropagation();
      head.focus();
    }
  }, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (document.hidden && elt && elt.hasAttribute("data-background-poll")) {
      event.preventDefault();
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && window.htmx) {
      document.querySelectorAll("[data-background-poll]").forEach(function (elt) {
        window.htmx.trigger(elt, "vpdt:refresh");
      });
    }
  });
})();
