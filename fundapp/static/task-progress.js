/* The page of background work (a report's draft, an export, an import) asks every second how far the
   work has come and moves its bar; once the work has ended, the page is loaded again to show the outcome.
   Without script, the page's "Refresh" link does the same by hand. */
(function () {
  "use strict";
  var box = document.querySelector("[data-task-status]");
  if (!box || !window.fetch) { return; }
  var address = box.getAttribute("data-task-status");
  var bar = box.querySelector("[data-task-bar]");
  var text = box.querySelector("[data-task-text]");
  var failures = 0;

  function show(progress) {
    if (progress.finished) {
      window.location.reload();
      return;
    }
    bar.value = progress.percent;
    bar.textContent = progress.percent_text;
    text.textContent = progress.text;
    window.setTimeout(ask, 1000);
  }

  function ask() {
    fetch(address, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (progress) { failures = 0; show(progress); })
      .catch(function () {
        /* a signed-out session or a lost connection: try a few times, then leave it to "Refresh" */
        failures += 1;
        if (failures < 5) { window.setTimeout(ask, 2000 * failures); }
      });
  }

  window.setTimeout(ask, 1000);
}());
