/* Page behaviour declared with data attributes: the Content-Security-Policy allows no inline script, no
 * on…= handler and no style attribute, so what those did is done here.
 *   data-submit-on-change        a select that submits its form when changed
 *   data-confirm="question"      a button that goes on only when the person confirms
 *   data-print                   a button that prints the page
 *   data-progress="42"           a progress bar's width (%)
 *   data-indent="2"              a nested row's left padding (levels)
 * Every table with a header becomes a list of cards on a phone (vpdt.css, .vpdt-cards): each cell is labelled with
 * its column's header (data-label); data-no-cards on a table keeps it a table.
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
    var tables = root.tagName === "TABLE" ? [root] : [];
    if (root.closest) {
      var around = root.closest("table");
      if (around) tables.push(around);
    }
    root.querySelectorAll("table").forEach(function (table) {
      tables.push(table);
    });
    tables.forEach(cards);
  }

  function cards(table) {
    if (table.hasAttribute("data-no-cards") || !table.tHead) return;
    var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
      return cell.textContent.trim();
    });
    if (!headers.some(Boolean)) return;
    table.classList.add("vpdt-cards");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && headers[column]) {
            cell.setAttribute("data-label", headers[column]);
          }
          column += cell.colSpan || 1;
        });
      });
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
