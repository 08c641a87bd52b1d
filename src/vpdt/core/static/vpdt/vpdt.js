/* Page behaviour declared with data attributes: the Content-Security-Policy allows no inline script, no
 * on…= handler and no style attribute, so what those did is done here.
 *   data-submit-on-change        a select that submits its form when changed
 *   data-confirm="question"      a button that goes on only when the person confirms
 *   data-print                   a button that prints the page
 *   data-progress="42"           a progress bar's width (%)
 *   data-indent="2"              a nested row's left padding (levels)
 */
(function () {
  "use strict";

  function layout(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0));
      bar.style.width = value + "%";
    });
    root.querySelectorAll("[data-indent]").forEach(function (row) {
      row.style.paddingLeft = (Number(row.dataset.indent) || 0) + 0.5 + "rem";
    });
  }

  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) {
      field.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var printer = event.target.closest("[data-print]");
    if (printer) {
      window.print();
      return;
    }
    var asking = event.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  if (window.htmx) {
    window.htmx.onLoad(layout);  // the page itself, then every fragment htmx swaps in
  } else {
    layout(document);
  }
})();
