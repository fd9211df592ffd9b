// The targets grid, typed like a spreadsheet: arrows move, Enter moves down, Tab moves right, a block
// copied from Excel (tab-separated rows) pastes from the focused cell on. Only changed cells are posted.
(function () {
  "use strict";
  var table = document.getElementById("targets-grid");
  var form = document.getElementById("targets-form");
  if (!table || !form) return;
  var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
    return Array.prototype.slice.call(tr.querySelectorAll("input"));
  }).filter(function (r) { return r.length; });
  var counter = document.getElementById("changed-count");
  var saving = false;

  function at(r, c) { return rows[r] && rows[r][c]; }
  function where(input) {
    for (var r = 0; r < rows.length; r++) {
      var c = rows[r].indexOf(input);
      if (c >= 0) return [r, c];
    }
    return null;
  }
  function go(r, c) {
    var target = at(r, c);
    if (target) { target.focus(); target.select(); }
  }
  function changed(input) { return input.value.trim() !== input.dataset.initial; }
  function mark(input) {
    input.parentNode.classList.toggle("changed", changed(input));
  }
  function count() {
    var n = 0;
    rows.forEach(function (r) { r.forEach(function (i) { if (changed(i)) n++; }); });
    if (counter) counter.textContent = n ? n + " " + counter.dataset.label : "";
    return n;
  }

  table.addEventListener("focusin", function (e) {
    if (e.target.tagName === "INPUT") e.target.select();
  });
  table.addEventListener("input", function (e) { mark(e.target); count(); });

  table.addEventListener("keydown", function (e) {
    var input = e.target;
    if (input.tagName !== "INPUT") return;
    var pos = where(input);
    if (!pos) return;
    var r = pos[0], c = pos[1];
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    switch (e.key) {
      case "ArrowUp": go(r - 1, c); break;
      case "ArrowDown": go(r + 1, c); break;
      case "ArrowLeft": if (atStart || whole) go(r, c - 1); else return; break;
      case "ArrowRight": if (atEnd || whole) go(r, c + 1); else return; break;
      case "Enter": go(e.shiftKey ? r - 1 : r + 1, c); break;
      case "Tab":
        if (e.shiftKey) {
          if (c > 0) go(r, c - 1); else if (r > 0) go(r - 1, rows[r - 1].length - 1); else return;
        } else if (c < rows[r].length - 1) go(r, c + 1);
        else if (r < rows.length - 1) go(r + 1, 0);
        else return;
        break;
      case "Escape": input.value = input.dataset.initial; mark(input); count(); break;
      default: return;
    }
    e.preventDefault();
  });

  table.addEventListener("paste", function (e) {
    var input = e.target;
    var pos = input.tagName === "INPUT" && where(input);
    var text = (e.clipboardData || window.clipboardData).getData("text");
    if (!pos || !/[\t\n]/.test(text.replace(/\r?\n$/, ""))) return; // one value: let the input take it
    e.preventDefault();
    var lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var cell = at(pos[0] + i, pos[1] + j);
        if (cell) { cell.value = value.trim(); mark(cell); }
      });
    });
    count();
  });

  form.addEventListener("submit", function () {
    saving = true;
    // Post only what changed: unchanged cells are left out (the server compares anyway).
    rows.forEach(function (r) { r.forEach(function (i) { if (!changed(i)) i.disabled = true; }); });
  });
  window.addEventListener("pageshow", function () {
    rows.forEach(function (r) { r.forEach(function (i) { i.disabled = false; mark(i); }); });
    count();
  });
  window.addEventListener("beforeunload", function (e) {
    if (!saving && count()) { e.preventDefault(); e.returnValue = ""; }
  });
})();
