/*
 * Small progressive enhancements; every screen works without them.
 * - Move focus to the error summary when a form comes back with problems (GOV.UK pattern).
 * - An item is either answered or "not tested": choosing one clears the other, so the rater never
 *   sends both (the server would refuse it with a message).
 * - A running total that cannot be updated says so in its panel.
 * - Goals (GAS): spare blank goals stay folded until "Add a goal"; the weight inputs follow the
 *   chosen weighting scheme; importance × difficulty shows the weight as it is chosen.
 * - A code list (ICD-10) narrows to the codes whose code or title contains every word typed in its
 *   search field, as the server does when the search is sent without this script.
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
    document.querySelectorAll("input[data-filters]").forEach(filterAsTyped);
  });

  // Same rule as qadam.web.forms.search_key: lower case, "ё" as "е", dots dropped ("g121" finds G12.1).
  function searchKey(text) {
    return text.toLowerCase().replace(/ё/g, "е").replace(/\./g, "");
  }

  // Same rule as qadam.web.forms.search_word: a word of five letters or more without its last two
  // (атрофия finds атрофии), codes and numbers whole.
  function searchWord(word) {
    var key = searchKey(word);
    return key.length >= 5 && !/[0-9]/.test(key) ? key.slice(0, -2) : key;
  }

  function filterAsTyped(input) {
    var select = document.getElementById(input.dataset.filters);
    if (!select) { return; }
    var form = input.form;
    var button = form && form.querySelector("[data-code-search-button]");
    var empty = document.querySelector("[data-code-search-empty]");
    var result = document.querySelector("[data-code-search-result]");
    // Every code of the page as the server listed them; the list is rebuilt from these.
    var groups = Array.prototype.map.call(select.querySelectorAll("optgroup"), function (group) {
      return group.cloneNode(true);
    });
    if (button) { button.hidden = true; }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    input.addEventListener("input", function () {
      var words = input.value.split(/\s+/).filter(Boolean).map(searchWord);
      var chosen = select.value;
      var shown = 0;
      select.textContent = "";
      groups.forEach(function (group) {
        var copy = group.cloneNode(false);
        Array.prototype.forEach.call(group.children, function (option) {
          var text = searchKey(option.textContent);
          var matches = words.every(function (word) { return text.indexOf(word) >= 0; });
          if (matches || option.value === chosen) {
            copy.appendChild(option.cloneNode(true));
            if (matches) { shown += 1; }
          }
        });
        if (copy.children.length) { select.appendChild(copy); }
      });
      select.value = chosen;
      if (empty) { empty.hidden = shown > 0; }
      if (result) { result.hidden = true; }
    });
  }

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
