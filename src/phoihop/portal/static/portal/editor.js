// A small toolbar for the HTML body: wraps the selected text in the chosen tag.
document.addEventListener("DOMContentLoaded", function () {
  var area = document.querySelector("textarea.html-editor");
  var bar = document.getElementById("html-toolbar");
  if (!area || !bar) return;
  bar.addEventListener("click", function (event) {
    var tag = event.target.closest("button") && event.target.closest("button").dataset.wrap;
    if (!tag) return;
    var start = area.selectionStart, end = area.selectionEnd, text = area.value.slice(start, end);
    var html = tag === "li" ? "<ul><li>" + text + "</li></ul>" : "<" + tag + ">" + text + "</" + tag + ">";
    area.setRangeText(html, start, end, "end");
    area.focus();
  });
});
