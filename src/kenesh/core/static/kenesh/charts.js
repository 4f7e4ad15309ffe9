/* Draws the charts whose data a page put in a json_script element.
   The tables beside them carry the same numbers for readers without scripts. */
(function () {
  "use strict";
  var palette = ["#1f5f8b", "#e07a3f", "#3f9c6d", "#8a5bb5", "#c9a227", "#5a6b7b", "#c0504d", "#2aa3b8"];

  function drawDiversity() {
    var canvas = document.getElementById("diversity-chart");
    var source = document.getElementById("diversity-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var stacked = data.stacked;
    data.datasets.forEach(function (set, i) {
      set.backgroundColor = stacked ? palette[i % palette.length] : palette.slice(0, set.data.length);
    });
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: data.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: stacked, position: "bottom" } }
      }
    });
  }

  function drawOpinionMap() {
    var canvas = document.getElementById("opinion-map");
    var source = document.getElementById("opinion-map-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var points = JSON.parse(source.textContent);
    var groups = {};
    points.forEach(function (p) {
      var key = p.g === null ? "?" : String.fromCharCode(65 + p.g);
      (groups[key] = groups[key] || []).push({ x: p.x, y: p.y });
    });
    var datasets = Object.keys(groups).sort().map(function (key, i) {
      return { label: key, data: groups[key], pointRadius: 3,
               backgroundColor: key === "?" ? "#b0b8c1" : palette[i % palette.length] };
    });
    new Chart(canvas, {
      type: "scatter",
      data: { datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { x: { display: false }, y: { display: false } },
                 plugins: { legend: { position: "bottom" }, tooltip: { enabled: false } } }
    });
  }

  function drawFunnel() {
    var canvas = document.getElementById("funnel-chart");
    var source = document.getElementById("funnel-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ data: data.data, backgroundColor: palette.slice(0, data.data.length) }] },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  function drawGrowth() {
    var canvas = document.getElementById("growth-chart");
    var source = document.getElementById("growth-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    data.datasets.forEach(function (set, i) { set.backgroundColor = palette[i % palette.length]; });
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: data.datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { y: { min: 0, max: 5, ticks: { precision: 0 } } },
                 plugins: { legend: { position: "bottom" } } }
    });
  }

  document.addEventListener("DOMContentLoaded", drawGrowth);
  document.addEventListener("DOMContentLoaded", drawFunnel);
  document.addEventListener("DOMContentLoaded", drawDiversity);
  document.addEventListener("DOMContentLoaded", drawOpinionMap);
})();
