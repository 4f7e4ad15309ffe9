/* Keyboard voting: A agree, D disagree, P pass (not while typing in a field). */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) { return; }
    var key = (event.key || "").toLowerCase();
    var map = { "a": "a", "ф": "a", "d": "d", "в": "d", "p": "p", "з": "p" };
    var button = map[key] && document.querySelector("#vote-card button[data-key='" + map[key] + "']");
    if (button) {
      event.preventDefault();
      // A key can come before htmx has wired a freshly swapped card: wire it first,
      // so the vote still goes by htmx rather than reloading the page.
      if (window.htmx) { window.htmx.process(button.form); }
      button.click();
    }
  });
  // A refused vote comes back as 400 or 404 with the card saying why: show that card
  // (htmx leaves 4xx answers out by default, which would look like nothing happened).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr && event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 404) && target && target.id === "vote-card") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
