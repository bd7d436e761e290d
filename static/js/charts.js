// Draws each report table's chart (reports.tables.chart_data) with the vendored Chart.js.
// The data comes from a json_script element named by the canvas; a funnel is drawn as
// horizontal bars, one per stage, largest first.
(function () {
  "use strict";
  var palette = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) { return; }
    var spec = JSON.parse(source.textContent);
    var funnel = spec.kind === "funnel";
    var datasets = spec.datasets.map(function (set, i) {
      var colour = palette[i % palette.length];
      return {
        label: set.label,
        data: set.data.map(Number),
        backgroundColor: funnel ? spec.labels.map(function (_, j) { return palette[j % palette.length]; }) : colour,
        borderColor: colour,
        fill: false,
        tension: 0.2
      };
    });
    new window.Chart(canvas, {
      type: spec.kind === "line" ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: funnel ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: !funnel } },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (!canvas.dataset.drawn) { canvas.dataset.drawn = "1"; draw(canvas); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
