/*
 * Small progressive enhancements; every screen works without them.
 * - Move focus to the error summary when a form comes back with problems (GOV.UK pattern).
 * - An item is either answered or "not tested": choosing one clears the other, so the rater never
 *   sends both (the server would refuse it with a message).
 * - A running total that cannot be updated says so in its panel.
 * - Goals (GAS): spare blank goals stay folded until "Add a goal"; the weight inputs follow the
 *   chosen weighting scheme; importance × difficulty shows the weight as it is chosen.
 */
(function () {
  "use strict";

  var SCHEMES = ["unweighted", "importance_x_difficulty", "importance_1_4", "other"];

  // The running total could not be fetched (the server refused the request or could not be
  // reached): say so in the panel instead of leaving a stale total on screen.
  function panelFailed(event) {
    var panel = event.detail && event.detail.target;
    if (!panel || !panel.dataset || !panel.dataset.failed) { return; }
    var note = panel.querySelector("[data-panel-failed]");
    if (!note) {
      note = document.createElement("p");
      note.className = "q-score-panel__problems";
      note.setAttribute("role", "alert");
      note.setAttribute("data-panel-failed", "");
      panel.insertBefore(note, panel.firstChild);
    }
    note.textContent = panel.dataset.failed;
  }
  document.addEventListener("htmx:responseError", panelFailed);
  document.addEventListener("htmx:sendError", panelFailed);

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    document.querySelectorAll("[data-goals]").forEach(foldSpareGoals);
  });

  function foldSpareGoals(goals) {
    var spare = goals.querySelectorAll("[data-goal][data-spare]");
    var button = goals.querySelector("[data-add-goal]");
    if (!spare.length || !button) { return; }
    spare.forEach(function (row) { row.hidden = true; });
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = goals.querySelector("[data-goal][data-spare][hidden]");
      if (!next) { return; }
      next.hidden = false;
      var text = next.querySelector("textarea");
      if (text) { text.focus(); }
      if (!goals.querySelector("[data-goal][data-spare][hidden]")) { button.hidden = true; }
    });
  }

  function showWeight(row) {
    var output = row.querySelector("[data-weight]");
    if (!output) { return; }
    var note = row.querySelector("[data-weight-note]");
    var factors = row.querySelectorAll("[data-factor]");
    var importance = factors[0].value, difficulty = factors[1].value;
    if (importance && difficulty) {
      output.textContent = String(Number(importance) * Number(difficulty));
    } else if (!importance && !difficulty && output.dataset.recorded) {
      output.textContent = output.dataset.recorded;
    } else {
      output.textContent = "—";
    }
    if (note) { note.hidden = Boolean(importance || difficulty); }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-weighting]")) {
      var goals = target.closest("[data-goals]");
      if (goals) { goals.dataset.scheme = SCHEMES.indexOf(target.value) >= 0 ? target.value : "other"; }
      return;
    }
    if (target.matches("[data-factor]")) {
      showWeight(target.closest("[data-goal]"));
      return;
    }
    var item = target.closest ? target.closest(".q-item") : null;
    if (!item) { return; }
    if (target.matches("[data-not-tested]")) {
      if (target.value) {
        item.querySelectorAll("input[data-answer]").forEach(function (input) {
          if (input.type === "radio") { input.checked = false; } else { input.value = ""; }
        });
      }
    } else if (target.matches("[data-answer]") && target.value) {
      var reason = item.querySelector("[data-not-tested]");
      if (reason) { reason.value = ""; }
    }
  }, true);
})();
