/* The vote page: single-key shortcuts that can be turned off, focus kept on the vote
   card as statements come and go, and a polite live region saying what happened.

   Shortcuts (A agree, D disagree, P pass; Ф, В, З on a Russian layout) act only while
   focus is on the vote card or nowhere in particular (the page itself), never in a
   field, a link or another button, never with a modifier key, and not at all once
   the reader turns them off (WCAG 2.1.4); the choice is remembered in this browser. */
(function () {
  "use strict";
  var STORE = "kenesh.vote.shortcuts";
  var KEYS = { "a": "a", "ф": "a", "d": "d", "в": "d", "p": "p", "з": "p" };

  function remembered() {
    try {
      return window.localStorage.getItem(STORE) !== "off";
    } catch (e) {
      return true;
    }
  }

  function remember(on) {
    try {
      window.localStorage.setItem(STORE, on ? "on" : "off");
    } catch (e) {
      /* storage refused (private mode): the choice lasts for this page */
    }
  }

  var enabled = remembered();

  function setUp() {
    var box = document.getElementById("vote-shortcuts");
    if (!box) { return; }
    box.checked = enabled;
    box.addEventListener("change", function () {
      enabled = box.checked;
      remember(enabled);
    });
    var setting = box.closest("[data-shortcuts-setting]");
    if (setting) { setting.hidden = false; }
  }

  function card() {
    return document.getElementById("vote-card");
  }

  // Where a key may vote from: the card itself (its statement, its buttons), or the
  // page with nothing focused.
  function mayVoteFrom(element) {
    if (!element || element === document.body || element === document.documentElement) {
      return true;
    }
    var here = card();
    if (!here || !here.contains(element)) { return false; }
    var tag = element.tagName;
    return !(tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || tag === "A" ||
             element.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (!enabled || event.defaultPrevented || event.repeat || event.isComposing) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) { return; }
    var name = KEYS[(event.key || "").toLowerCase()];
    if (!name || !mayVoteFrom(document.activeElement)) { return; }
    var here = card();
    var button = here && here.querySelector("button[data-key='" + name + "']");
    if (!button || button.disabled) { return; }
    event.preventDefault();
    var form = button.form;
    // One vote at a time: a key pressed while the last vote is on its way is dropped.
    if (form && form.classList.contains("htmx-request")) { return; }
    // A key can come before htmx has wired a freshly swapped card: wire it first,
    // so the vote still goes by htmx rather than reloading the page.
    if (window.htmx && form) { window.htmx.process(form); }
    button.click();
  });

  function announce(text) {
    var region = document.getElementById("vote-status");
    if (!region || !text) { return; }
    // Emptied first, so that the same words said twice are said again.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function part(event) {
    var detail = event.detail || {};
    var element = detail.target || detail.elt;
    return element && element.closest ? element.closest("[data-vote-part]") : null;
  }

  // After a part of the page was swapped: say what happened, and put the focus where
  // the reader goes on (the new statement, the first field to correct, the part's
  // heading), since the element that had it is gone.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = part(event);
    if (!target) { return; }
    var said = target.querySelector("[data-announce]");
    if (said) { announce(said.getAttribute("data-announce")); }
    var next = target.querySelector("[aria-invalid=true]") || target.querySelector("[data-focus]");
    if (next) { next.focus(); }
  });

  // A refused action comes back as 400 or 404 with the part saying why: show it (htmx
  // leaves 4xx answers out by default, which would look like nothing happened).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr && event.detail.xhr.status;
    if ((status === 400 || status === 404) && part(event)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Anything else that failed (a lost connection, a signed-out session, a server
  // error) is not swapped in: say so rather than leave the reader waiting.
  function failed(event) {
    var target = part(event);
    var status = event.detail.xhr && event.detail.xhr.status;
    if (!target || status === 400 || status === 404) { return; }
    var region = document.getElementById("vote-status");
    var text = region && region.getAttribute("data-failed");
    if (!text) { return; }
    announce(text);
    var shown = target.querySelector("[data-failed-message]");
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "message error";
      shown.setAttribute("data-failed-message", "");
      target.insertBefore(shown, target.firstChild);
    }
    shown.textContent = text;
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
