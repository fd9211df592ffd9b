/* A calendar button beside each dd/mm/yyyy field (core.forms.DayInput, input[data-day-picker]).
   The field stays a text box in Vietnamese order; the button opens the browser's own calendar through a
   hidden <input type=date>, and the picked day is written back as dd/mm/yyyy. Without JavaScript (or
   without showPicker) the field is simply typed. Included once per field: runs once. */
(function () {
  "use strict";
  if (window.phoihopDayPicker) return;
  window.phoihopDayPicker = true;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function toIso(text) {
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(text || "");
    if (!m) return "";
    return m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]);
  }

  // A small calendar drawn in SVG (an emoji needs a colour-emoji font, which many office PCs lack).
  function calendarIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shapes = [
      ["rect", { x: "1.5", y: "3", width: "13", height: "11.5", rx: "1.5", fill: "none", stroke: "currentColor" }],
      ["path", { d: "M1.5 6.5h13M5 1.5v3M11 1.5v3", stroke: "currentColor", fill: "none" }],
      ["rect", { x: "4", y: "8.5", width: "2", height: "2", fill: "currentColor" }],
      ["rect", { x: "7", y: "8.5", width: "2", height: "2", fill: "currentColor" }],
      ["rect", { x: "10", y: "8.5", width: "2", height: "2", fill: "currentColor" }],
      ["rect", { x: "4", y: "11.5", width: "2", height: "2", fill: "currentColor" }]
    ];
    shapes.forEach(function (shape) {
      var el = document.createElementNS(ns, shape[0]);
      Object.keys(shape[1]).forEach(function (k) { el.setAttribute(k, shape[1][k]); });
      svg.appendChild(el);
    });
    return svg;
  }

  function enhance(field) {
    if (field.dataset.dayPickerReady) return;
    field.dataset.dayPickerReady = "1";
    var probe = document.createElement("input");
    probe.type = "date";
    if (probe.type !== "date" || typeof probe.showPicker !== "function") return;
    probe.tabIndex = -1;
    probe.setAttribute("aria-hidden", "true");
    probe.className = "day-picker-probe";
    // Kept in the layout (showPicker needs a rendered input) but invisible and out of the tab order.
    probe.style.cssText = "position:absolute;width:1px;height:1px;opacity:0;border:0;padding:0;margin:0;pointer-events:none";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "day-picker-button";
    var label = field.labels && field.labels[0] ? field.labels[0].textContent.trim() : "";
    var name = field.dataset.dayPicker || "Chọn ngày trên lịch";
    button.setAttribute("aria-label", name + (label ? ": " + label : ""));
    button.title = name;
    button.appendChild(calendarIcon());
    button.style.cssText = "width:auto;margin-left:.25rem;padding:.45rem .55rem;line-height:0;vertical-align:middle";
    field.style.width = "8.5rem";
    field.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", probe);
    button.addEventListener("click", function () {
      probe.value = toIso(field.value);
      try { probe.showPicker(); } catch (e) { field.focus(); }
    });
    probe.addEventListener("change", function () {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(probe.value);
      if (!m) return;
      field.value = m[3] + "/" + m[2] + "/" + m[1];
      field.dispatchEvent(new Event("change", { bubbles: true }));
      field.focus();
    });
  }

  function run() {
    var fields = document.querySelectorAll("input[data-day-picker]");
    for (var i = 0; i < fields.length; i++) enhance(fields[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
