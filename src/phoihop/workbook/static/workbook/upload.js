// The workbook page: refuse a too-large or wrong file before sending it, and follow an import's progress.
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (form) {
    var input = form.querySelector("input[type=file]");
    var error = document.getElementById("upload-error");
    var max = parseInt(form.dataset.maxBytes, 10);
    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (!file) return;
      var name = file.name.toLowerCase();
      var message = "";
      if (!/\.(xlsx|zip|csv)$/.test(name)) message = form.dataset.wrongType;
      else if (file.size > max) message = form.dataset.tooBig;
      if (message) {
        event.preventDefault();
        error.textContent = message;
        return;
      }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      button.textContent = form.dataset.sending;
    });
  }

  var job = document.getElementById("job");
  if (job && job.dataset.finished !== "1") {
    var bar = document.querySelector("#job-bar > span");
    var pct = document.getElementById("job-pct");
    var phase = document.getElementById("job-phase");
    var status = document.getElementById("job-status");
    var poll = function () {
      fetch(job.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          bar.style.width = s.progress + "%";
          document.getElementById("job-bar").setAttribute("aria-valuenow", s.progress);
          pct.textContent = s.progress;
          phase.textContent = s.phase;
          status.textContent = s.status_label;
          if (s.finished) window.location.reload();
          else window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }
})();
