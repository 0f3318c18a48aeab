/*
 * Small progressive enhancements; every screen works without them.
 * - Move focus to the error summary when a form comes back with problems (GOV.UK pattern).
 * - An item is either answered or "not tested": choosing one clears the other, so the rater never
 *   sends both (the server would refuse it with a message).
 */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    var item = target.closest ? target.closest(".q-item") : null;
    if (!item) { return; }
    if (target.matches("[data-not-tested]")) {
      if (target.value) {
        item.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.checked = false; });
        item.querySelectorAll("input[name^='item-']").forEach(function (input) {
          if (input.type === "text") { input.value = ""; }
        });
      }
    } else if (target.name && target.name.indexOf("item-") === 0 && target.value) {
      var reason = item.querySelector("[data-not-tested]");
      if (reason) { reason.value = ""; }
    }
  }, true);
})();
