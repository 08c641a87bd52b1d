/* Charts drawn with Chart.js (vendored): a <canvas data-chart-kind="doughnut" data-chart-source="ID"> takes its
 * data from the json_script element ID ({"labels": [...], "values": [...], "colors": [...]}). The numbers are
 * also in a table beside it, for screen readers and for printing. */
(function () {
  "use strict";

  function draw(root) {
    if (!window.Chart) {
      return;
    }
    root.querySelectorAll("canvas[data-chart-source]").forEach(function (canvas) {
      if (canvas.dataset.drawn) {
        return;
      }
      var source = document.getElementById(canvas.dataset.chartSource);
      if (!source) {
        return;
      }
      var data = JSON.parse(source.textContent);
      canvas.dataset.drawn = "1";
      new window.Chart(canvas, {
        type: canvas.dataset.chartKind || "doughnut",
        data: {
          labels: data.labels,
          datasets: [{ data: data.values, backgroundColor: data.colors, borderWidth: 1 }]
        },
        options: {
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
