// finprod report: draws the charts from the JSON in #finprod-data with
// uPlot (inlined above). Tables and figures are plain HTML and need no
// script; without it the page still reads, only the charts are missing.
(function () {
  "use strict";
  var el = document.getElementById("finprod-data");
  var data = el ? JSON.parse(el.textContent || "{}") : {};
  var BLUE = "#0072b2", ORANGE = "#e69f00", VERMILLION = "#d55e00", GREEN = "#009e73", SKY = "#56b4e9", GREY = "#5b6570";
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

  // stageMarks is a uPlot hook that draws each stage's start as a dashed
  // line across the plot, with its name at the top, on uPlot's canvas.
  function stageMarks(marks) {
    return function (u) {
      var ctx = u.ctx, b = u.bbox, dpr = window.devicePixelRatio || 1;
      ctx.save();
      ctx.strokeStyle = GREY;
      ctx.fillStyle = GREY;
      ctx.lineWidth = dpr;
      ctx.setLineDash([3 * dpr, 3 * dpr]);
      ctx.font = (11 * dpr) + "px system-ui, sans-serif";
      ctx.textBaseline = "top";
      ctx.textAlign = "left";
      marks.forEach(function (m, i) {
        var x = Math.round(u.valToPos(m.from, "x", true));
        if (x > b.left + b.width) return;
        if (i > 0 && x >= b.left) {
          ctx.beginPath();
          ctx.moveTo(x, b.top);
          ctx.lineTo(x, b.top + b.height);
          ctx.stroke();
        }
        x = Math.max(x, b.left); // a stage that began before the first point
        var right = i + 1 < marks.length ? u.valToPos(marks[i + 1].from, "x", true) : b.left + b.width;
        var text = m.name;
        if (ctx.measureText(text).width > right - x - 6 * dpr) text = (i + 1) + "";
        ctx.fillText(text, x + 3 * dpr, b.top + 2 * dpr);
      });
      ctx.restore();
    };
  }

  // A time series chart: xs in Unix seconds, one or more series.
  function draw(node, xs, series, opts) {
    opts = opts || {};
    // One run in the history: give its point a day of room either side,
    // instead of uPlot's guess of years.
    var xScale = opts.xLog ? { time: false, distr: 3 } : { time: opts.time !== false };
    if (xs.length === 1 && opts.time !== false && !opts.xLog) {
      xScale.range = [xs[0] - 86400, xs[0] + 86400];
    }
    var u = new uPlot({
      width: widthOf(node),
      height: opts.height || 220,
      legend: { show: series.length > 1 || !!opts.legend },
      cursor: { drag: { x: true, y: false } },
      hooks: opts.marks ? { draw: [stageMarks(opts.marks)] } : {},
      scales: { x: xScale, y: opts.y || {} },
      axes: [
        { stroke: "#5b6570", grid: { stroke: "#eceff2" }, incrs: opts.xIncrs },
        { stroke: "#5b6570", grid: { stroke: "#eceff2" }, size: 76,
          values: function (_, ticks) { return ticks.map(function (t) { return fmt(t, opts.unit); }); } }
      ],
      series: [{ label: opts.xLabel || "run" }].concat(series.map(function (s) {
        return {
          label: s.label, stroke: s.color, width: s.width || 2, fill: s.fill, dash: s.dash, spanGaps: true,
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

  // A horizontal reference line at v, as a series of equal values.
  function flat(xs, v) { return xs.map(function () { return v; }); }

  // Whole seconds on a time axis in seconds.
  var SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

  var load = data.load;
  if (load) {
    document.querySelectorAll("#load .chart").forEach(function (node) {
      var kind = node.getAttribute("data-load"), unit = node.getAttribute("data-unit");
      if (kind === "latency" && load.t) {
        // Intended time solid and warm, service time dashed and blue; p99
        // thick, p50 thin: told apart without colour as well.
        var lat = load.intendedP99 ? [
          { label: "intended p99", color: VERMILLION, ys: load.intendedP99, points: false, width: 2.5 },
          { label: "intended p50", color: ORANGE, ys: load.intendedP50, points: false, width: 1.5 },
          { label: "service p99", color: BLUE, ys: load.serviceP99, points: false, width: 2.5, dash: [6, 3] },
          { label: "service p50", color: SKY, ys: load.serviceP50, points: false, width: 1.5, dash: [6, 3] }
        ] : [
          { label: "service p50", color: SKY, ys: load.serviceP50, points: false, width: 1.5, dash: [6, 3] },
          { label: "service p99", color: BLUE, ys: load.serviceP99, points: false, width: 2.5, dash: [6, 3] },
          { label: "intended p99 (whole run)", color: VERMILLION, ys: flat(load.t, load.intendedP99All), dash: [10, 4], points: false },
          { label: "service p99 (whole run)", color: BLUE, ys: flat(load.t, load.serviceP99All), dash: [2, 4], points: false, width: 1 }
        ];
        draw(node, load.t, lat, { time: false, unit: unit, xLabel: "second", legend: true, marks: load.marks, xIncrs: SECONDS,
          y: node.getAttribute("data-scale") === "log" ? { distr: 3 } : {} });
      } else if (kind === "rate" && load.t) {
        var series = [];
        if (load.offered) series.push({ label: load.offeredEstimated ? "offered (estimated)" : "offered", color: GREY, ys: load.offered, dash: [8, 4], points: false });
        series.push({ label: "achieved (2xx)", color: GREEN, ys: load.achieved, points: false, width: 3 });
        // Sent on top of achieved, dashed and thin: they are one line
        // while every answer is a 2xx.
        series.push({ label: "sent", color: BLUE, ys: load.sent, points: false, width: 1.5, dash: [4, 3] });
        series.push({ label: "failed (not 2xx)", color: VERMILLION, ys: load.failed, points: false });
        draw(node, load.t, series, { time: false, unit: unit, xLabel: "second", legend: true, marks: load.marks, xIncrs: SECONDS });
      } else if (kind === "hist" && load.hist) {
        draw(node, load.hist.ms, [
          { label: "intended", color: "#6a3d9a", ys: load.hist.intended, points: false, fill: "rgba(106,61,154,0.12)" },
          { label: "service", color: ORANGE, ys: load.hist.service, points: false, fill: "rgba(230,159,0,0.12)" }
        ], { time: false, unit: unit, xLabel: "ms", legend: true, xLog: true });
      } else if (kind === "stages" && load.stages) {
        var st = load.stages, series2 = [{ label: "p99", color: VERMILLION, ys: st.p99 }];
        if (st.limit !== undefined && st.limit !== null) series2.push({ label: "SLO limit", color: "#5b6570", ys: flat(st.offered, st.limit), dash: [6, 4], points: false });
        draw(node, st.offered, series2, { time: false, unit: unit, xLabel: "offered /s", legend: true });
      } else {
        empty(node, "No data for this chart.");
      }
    });
  }

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
