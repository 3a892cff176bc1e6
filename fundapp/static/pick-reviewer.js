/* "Pick" beside a suggested reviewer chooses it in the assignment form without loading the page again,
   so that nothing typed elsewhere on the page is lost. Without script, the link loads the page with the
   reviewer chosen. */
(function () {
  "use strict";
  var select = document.getElementById("reviewer_id");
  if (!select) { return; }
  document.querySelectorAll("[data-pick-reviewer]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      select.value = link.getAttribute("data-pick-reviewer");
      document.querySelectorAll("[data-pick-row]").forEach(function (row) {
        row.classList.toggle("table-active", row.getAttribute("data-pick-row") === select.value);
      });
      select.focus();
      select.scrollIntoView({block: "center"});
    });
  });
}());
