/**
 * PURE. The script report.html carries (after the inlined uPlot): zoom and pan on the timeline —
 * the mouse wheel zooms around the pointer, a drag pans, a double click shows the whole run,
 * selecting a span on a chart zooms to it — and the request rate and latency (log scale) as
 * uPlot charts that follow the same range. `#zoom=FROM,TO` in the address (seconds from the
 * run's start) opens the page zoomed, so a link can point at a step. Without JavaScript the
 * page shows its static picture; every moving SVG element carries its times (data-f, data-t).
 */
export const REPORT_SCRIPT = String.raw`(function () {
  var data = JSON.parse(document.getElementById("kroll-data").textContent);
  var svg = document.getElementById("timeline");
  var L = data.label, W = data.width, R = 10;
  var full = [data.t0, data.t1], range = full.slice(), charts = [], busy = false;
  var NS = "http://www.w3.org/2000/svg";
  function px(t) { return L + ((t - range[0]) / (range[1] - range[0])) * (W - L - R); }
  function inside(v) { return Math.min(Math.max(v, L), W - R); }
  function hhmmss(t) { return new Date(t).toISOString().slice(11, 19); }
  function draw() {
    var els = svg.querySelectorAll("[data-f]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i], f = +el.getAttribute("data-f"), t = +(el.getAttribute("data-t") || f);
      var out = t < range[0] || f > range[1];
      el.style.display = out ? "none" : "";
      if (out) continue;
      if (el.tagName === "circle") el.setAttribute("cx", px(f).toFixed(1));
      else if (el.tagName === "text") el.setAttribute("x", (inside(px(f)) + 3).toFixed(1));
      else {
        var a = inside(px(f)), b = inside(px(t));
        el.setAttribute("x", a.toFixed(1));
        el.setAttribute("width", Math.max(1.5, b - a).toFixed(1));
      }
    }
    var g = document.getElementById("ticks");
    while (g.firstChild) g.removeChild(g.firstChild);
    var span = range[1] - range[0], steps = [1e3, 2e3, 5e3, 1e4, 3e4, 6e4, 12e4, 3e5, 6e5, 18e5];
    var step = steps[steps.length - 1];
    for (var s = 0; s < steps.length; s++) if (span / steps[s] <= 12) { step = steps[s]; break; }
    for (var tt = Math.ceil(range[0] / step) * step; tt <= range[1]; tt += step) {
      var x = px(tt), line = document.createElementNS(NS, "line"), txt = document.createElementNS(NS, "text");
      line.setAttribute("x1", x); line.setAttribute("x2", x); line.setAttribute("y1", 16); line.setAttribute("y2", "100%");
      line.setAttribute("class", "tick");
      txt.setAttribute("x", x + 2); txt.setAttribute("y", 12); txt.setAttribute("class", "tk");
      txt.textContent = hhmmss(tt);
      g.appendChild(line); g.appendChild(txt);
    }
  }
  function setRange(a, b, from) {
    if (b - a < 1000) { var mid = (a + b) / 2; a = mid - 500; b = mid + 500; }
    a = Math.max(full[0], a); b = Math.min(full[1], b);
    range = [a, b];
    draw();
    if (!busy) {
      busy = true;
      for (var i = 0; i < charts.length; i++)
        if (charts[i] !== from) charts[i].setScale("x", { min: a / 1000, max: b / 1000 });
      busy = false;
    }
    document.body.setAttribute("data-range", Math.round((a - full[0]) / 1000) + "," + Math.round((b - full[0]) / 1000));
  }
  function timeAt(clientX) {
    var r = svg.getBoundingClientRect(), x = ((clientX - r.left) / r.width) * W;
    return range[0] + ((x - L) / (W - L - R)) * (range[1] - range[0]);
  }
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var t = Math.min(Math.max(timeAt(e.clientX), range[0]), range[1]), k = e.deltaY > 0 ? 1.25 : 0.8;
    setRange(t - (t - range[0]) * k, t + (range[1] - t) * k);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("mousedown", function (e) { drag = { x: e.clientX, range: range.slice() }; });
  window.addEventListener("mouseup", function () { drag = null; });
  window.addEventListener("mousemove", function (e) {
    if (!drag) return;
    var r = svg.getBoundingClientRect();
    var dt = ((drag.x - e.clientX) / r.width) * W / (W - L - R) * (drag.range[1] - drag.range[0]);
    dt = Math.min(Math.max(dt, full[0] - drag.range[0]), full[1] - drag.range[1]);
    setRange(drag.range[0] + dt, drag.range[1] + dt);
  });
  svg.addEventListener("dblclick", function () { setRange(full[0], full[1]); });
  if (window.uPlot && data.seconds.length > 1) {
    var box = document.getElementById("charts");
    box.style.display = "";
    document.getElementById("load-static").style.display = "none";
    function chart(title, series, y, el) {
      var opts = {
        title: title, width: W, height: 170,
        tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
        cursor: { sync: { key: "kroll" } },
        scales: { x: { time: true }, y: y },
        // One time format on every axis: the timeline's HH:MM:SS (UTC), not uPlot's 12-hour one.
        series: [{ value: function (u, v) { return v == null ? "--" : hhmmss(v * 1000); } }].concat(series),
        axes: [{ values: function (u, splits) { return splits.map(function (v) { return hhmmss(v * 1000); }); } }, { size: L - 8 }],
        hooks: { setScale: [function (u, key) {
          if (key === "x" && !busy && u.scales.x.min != null)
            setRange(u.scales.x.min * 1000, u.scales.x.max * 1000, u);
        }] }
      };
      return new uPlot(opts, el.data, document.getElementById(el.id));
    }
    var t = data.seconds;
    charts.push(chart("requests per second", [
      { label: "ok", stroke: "#1e88e5", fill: "rgba(30,136,229,0.15)" },
      { label: "failed", stroke: "#d32f2f", fill: "rgba(211,47,47,0.3)" }
    ], {}, { id: "chart-rate", data: [t, data.ok, data.failed] }));
    charts.push(chart("latency (ms, log scale)", [
      { label: "p50", stroke: "#1565c0" },
      { label: "p99", stroke: "#e65100" }
    ], { distr: 3 }, { id: "chart-latency", data: [t, data.p50, data.p99] }));
  }
  var m = /zoom=(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)/.exec(location.hash);
  if (m) setRange(full[0] + m[1] * 1000, full[0] + m[2] * 1000);
  else setRange(full[0], full[1]);
  document.body.setAttribute("data-zoomable", "1");
})();`;
