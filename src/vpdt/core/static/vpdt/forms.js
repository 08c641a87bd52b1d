/* Form fields people expect, on every page and on every fragment htmx brings in:
 *   input[data-datepicker]         a dd/mm/yyyy box with a calendar button (flatpickr, Vietnamese); typing still works
 *   select[multiple]               a searchable multi-select with removable chips (Tom Select) instead of Ctrl-click
 *   select[data-searchable]        a long single select one can type into (Tom Select)
 *   input[data-suggest-url]        suggestions while typing (a datalist filled from the URL, ?q=...); choosing one
 *                                  may fill another field (data-suggest-fill="code:issuer_code")
 * The original fields stay in the form and keep their names: what is submitted is the same without the script. */
(function () {
  "use strict";

  var CALENDAR_LABEL = document.documentElement.lang === "en" ? "Pick a date" : "Chọn ngày";
  var NO_RESULTS = document.documentElement.lang === "en" ? "Nothing found" : "Không tìm thấy";

  function datepicker(input) {
    if (!window.flatpickr || input.dataset.enhanced) return;
    input.dataset.enhanced = "1";
    var picker = window.flatpickr(input, {
      locale: (window.flatpickr.l10ns && window.flatpickr.l10ns.vn) || "default",
      dateFormat: "d/m/Y",
      allowInput: true,
      clickOpens: false,
      disableMobile: true,
      monthSelectorType: "static",
    });
    var group = input.parentElement;
    if (!group.classList.contains("input-group")) {
      group = document.createElement("div");
      group.className = "input-group flex-nowrap" + (input.classList.contains("form-control-sm") ? " input-group-sm" : "");
      input.parentNode.insertBefore(group, input);
      group.appendChild(input);
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.setAttribute("aria-label", CALENDAR_LABEL);
    button.title = CALENDAR_LABEL;
    button.dataset.calendarFor = input.name;
    button.innerHTML = '<i class="bi bi-calendar3" aria-hidden="true"></i>';
    button.addEventListener("click", function () {
      picker.toggle();
    });
    group.appendChild(button);
  }

  function searchable(select) {
    if (!window.TomSelect || select.tomselect || select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !select.hasAttribute("aria-label")) {
      // Tom Select moves the label to its own box; the original list, still in the form, keeps its name.
      select.setAttribute("aria-label", label.textContent.replace("*", "").trim());
    }
    new window.TomSelect(select, {
      plugins: select.multiple ? ["remove_button", "checkbox_options"] : [],
      maxOptions: null,
      hidePlaceholder: true,
      closeAfterSelect: !select.multiple,
      render: {
        no_results: function () {
          return '<div class="no-results">' + NO_RESULTS + "</div>";
        },
      },
    });
  }

  function suggest(input) {
    if (input.dataset.enhanced) return;
    input.dataset.enhanced = "1";
    var list = document.createElement("datalist");
    list.id = (input.id || input.name) + "-suggestions";
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var fill = {};
    (input.dataset.suggestFill || "").split(",").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts.length === 2) fill[parts[0].trim()] = parts[1].trim();
    });
    var known = {};
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      var chosen = known[input.value];
      if (chosen) {
        Object.keys(fill).forEach(function (key) {
          var target = input.form && input.form.elements[fill[key]];
          if (target && chosen[key] && (!target.value || target.dataset.suggested)) {
            target.value = chosen[key];
            target.dataset.suggested = "1";
          }
        });
        return;
      }
      var text = input.value.trim();
      clearTimeout(timer);
      if (text.length < 2 || text === asked) return;
      timer = setTimeout(function () {
        asked = text;
        fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (r) {
            return r.ok ? r.json() : { results: [] };
          })
          .then(function (data) {
            list.textContent = "";
            (data.results || []).forEach(function (item) {
              known[item.name] = item;
              var option = document.createElement("option");
              option.value = item.name;
              option.label = item.label || item.name;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }

  function enhance(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("input[data-datepicker]").forEach(datepicker);
    root.querySelectorAll("select[multiple], select[data-searchable]").forEach(searchable);
    root.querySelectorAll("input[data-suggest-url]").forEach(suggest);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
  document.addEventListener("htmx:load", function (event) {
    enhance(event.detail.elt);
  });
})();
