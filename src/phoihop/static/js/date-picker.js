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
    button.setAttribute("aria-label", "Chọn ngày trên lịch" + (label ? ": " + label : ""));
    button.title = "Chọn ngày trên lịch";
    button.textContent = "\uD83D\uDCC5";
    button.style.cssText = "width:auto;margin-left:.25rem;padding:.3rem .5rem";
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
