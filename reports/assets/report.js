// finprod report: draws the charts from the JSON in #finprod-data with
// uPlot (inlined above). Tables and figures are plain HTML and need no
// script; without it the page still reads, only the charts are missing.
(function () {
  "use strict";
  var el = document.getElementById("finprod-data");
  var data = el ? JSON.parse(el.textContent || "{}") : {};
  var BLUE = "#0072b2", ORANGE = "#e69f00", VERMILLION = "#d55e00", GREEN = "#009e73";
  var charts = [];

  function widthOf(node) { return Math.max(260, node.clientWidth || 260); }

  function empty(node, text) {
    var d = document.createElement("div");
    d.className = "chart-empty";
    d.textContent = text || "No data yet.";
    node.appendChild(d);
  }

  function present(ys) {
    for (var i = 0; i < ys.length; i++) if (ys[i] !== null && ys[i] !== undefined) return true;
    return false;
  }

  function fmt(v, unit) {
    if (v === null || v === undefined) return "–";
    var n = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
    return n + (unit ? " " + unit : "");
  }

  // A time series chart: xs in Unix seconds, one or more series.
  function draw(node, xs, series, opts) {
    opts = opts || {};
    var u = new uPlot({
      width: widthOf(node),
      height: opts.height || 220,
      legend: { show: series.length > 1 || !!opts.legend },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: opts.time !== false }, y: opts.y || {} },
      axes: [
        { stroke: "#5b6570", grid: { stroke: "#eceff2" } },
        { stroke: "#5b6570", grid: { stroke: "#eceff2" }, size: 56,
          values: function (_, ticks) { return ticks.map(function (t) { return fmt(t, opts.unit); }); } }
      ],
      series: [{ label: opts.xLabel || "run" }].concat(series.map(function (s) {
        return {
          label: s.label, stroke: s.color, width: 2, fill: s.fill, dash: s.dash, spanGaps: true,
          paths: s.bars ? uPlot.paths.bars({ size: [0.9, 60] }) : undefined,
          points: { show: s.points !== false, size: 7, fill: "#fff" },
          value: function (_, v) { return fmt(v, opts.unit); }
        };
      }))
    }, [xs].concat(series.map(function (s) { return s.ys; })), node);
    charts.push({ u: u, node: node });
    return u;
  }

  var trends = data.trends;
  if (trends) {
    var defs = {
      passRate: { label: "pass rate", color: BLUE, y: { range: [0, 100] } },
      suiteSeconds: { label: "suite", color: ORANGE },
      p99Ms: { label: "p99", color: VERMILLION },
      maxRate: { label: "highest sustained rate", color: GREEN }
    };
    document.querySelectorAll("#trends .chart").forEach(function (node) {
      var key = node.getAttribute("data-chart"), def = defs[key], ys = trends[key] || [];
      if (!def || !present(ys)) { empty(node, node.getAttribute("data-empty")); return; }
      draw(node, trends.t, [{ label: def.label, color: def.color, ys: ys }], { unit: node.getAttribute("data-unit"), y: def.y });
    });
  }

  var load = data.load;
  if (load && window.finprodLoadCharts) window.finprodLoadCharts(load, draw, empty, { BLUE: BLUE, ORANGE: ORANGE, VERMILLION: VERMILLION, GREEN: GREEN });

  var t;
  window.addEventListener("resize", function () {
    clearTimeout(t);
    t = setTimeout(function () {
      charts.forEach(function (c) { c.u.setSize({ width: widthOf(c.node), height: c.u.height }); });
    }, 120);
  });
  // Printing opens every section.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
