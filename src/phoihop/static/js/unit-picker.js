/* The records filters' unit picker: typing in "Tìm đơn vị" narrows the <select> beside it as one types
   (names and codes, with or without diacritics). Without JavaScript the search box is a query parameter
   (tim_don_vi) and the server sends the matching units. */
(function () {
  "use strict";
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase().trim();
  }
  function enhance(select) {
    var box = document.getElementById("tim_don_vi");
    if (!box || select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.style.cssText = "position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden";
    status.setAttribute("role", "status");
    box.insertAdjacentElement("afterend", status);
    box.addEventListener("input", function () {
      var q = fold(box.value), shown = 0, first = null;
      var options = select.querySelectorAll("option[data-search]");
      for (var i = 0; i < options.length; i++) {
        var hit = !q || options[i].dataset.search.indexOf(q) !== -1;
        options[i].hidden = !hit;
        options[i].disabled = !hit && !options[i].selected;
        if (hit) { shown++; if (!first) first = options[i]; }
      }
      var groups = select.querySelectorAll("optgroup");
      for (var g = 0; g < groups.length; g++) {
        groups[g].hidden = !groups[g].querySelector("option:not([hidden])");
      }
      var current = select.selectedOptions[0];
      if (q && first && (!current || !current.value || current.hidden)) first.selected = true;
      status.textContent = q ? shown + " " + (select.dataset.unitPicker || "đơn vị khớp") : "";
    });
    // The search is a client-side narrowing here: the form submits the picked unit, not the text.
    box.form && box.form.addEventListener("submit", function () { if (select.value) box.disabled = true; });
  }
  function run() {
    var selects = document.querySelectorAll("select[data-unit-picker]");
    for (var i = 0; i < selects.length; i++) enhance(selects[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
