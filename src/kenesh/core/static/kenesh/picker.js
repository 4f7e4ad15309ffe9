// A searchable picker (core/widgets.py, SearchablePicker): a list of checkboxes that
// works without this script; with it, a filter box hides the options that do not match
// every word typed, and a status line (role="status", announced by screen readers) says
// how many options are chosen and how many are shown. Enter in the box does not send the
// form; Escape empties it. A file, not inline script, for the Content-Security-Policy.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").toLowerCase().replace(/ё/g, "е").replace(/\s+/g, " ").trim();
  }

  function setUp(picker) {
    var tools = picker.querySelector("[data-picker-tools]");
    var filter = picker.querySelector("[data-picker-filter]");
    var status = picker.querySelector("[data-picker-status]");
    var none = picker.querySelector("[data-picker-none]");
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-option]"));
    if (!tools || !filter || !status) {
      return;
    }
    var texts = options.map(function (option) { return fold(option.textContent); });
    var timer = null;

    function announce() {
      var chosen = 0;
      var shown = 0;
      options.forEach(function (option) {
        var box = option.querySelector("input[type=checkbox]");
        if (box && box.checked) { chosen += 1; }
        if (!option.hidden) { shown += 1; }
      });
      status.textContent = status.getAttribute("data-template")
        .replace("{chosen}", chosen).replace("{shown}", shown).replace("{total}", options.length);
      if (none) { none.hidden = shown > 0 || options.length === 0; }
    }

    function apply() {
      var words = fold(filter.value).split(" ").filter(Boolean);
      options.forEach(function (option, i) {
        option.hidden = !words.every(function (word) { return texts[i].indexOf(word) !== -1; });
      });
      // Filter at once, but let screen readers hear the count once typing pauses.
      clearTimeout(timer);
      timer = setTimeout(announce, 400);
    }

    filter.addEventListener("input", apply);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      } else if (event.key === "Escape" && filter.value) {
        event.preventDefault();
        filter.value = "";
        apply();
      }
    });
    picker.addEventListener("change", function (event) {
      if (event.target !== filter) { announce(); }
    });
    tools.hidden = false;
    announce();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
