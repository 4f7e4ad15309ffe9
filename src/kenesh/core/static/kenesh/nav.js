// The main menu's button on narrow screens (kenesh.css shows it at 760px and below).
// Loaded in <head> without defer: it marks the page as scripted at once, so that the
// stylesheet folds the menu before the page is first drawn; without JavaScript the
// button stays hidden and the menu open. Enter or Space opens and closes it (it is a
// real <button>); Escape closes it and gives the focus back to the button.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".nav-toggle");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) {
    return;
  }
  function isOpen() {
    return toggle.getAttribute("aria-expanded") === "true";
  }
  toggle.setAttribute("aria-expanded", "false");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    toggle.setAttribute("aria-expanded", isOpen() ? "false" : "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !isOpen()) {
      return;
    }
    var inside = menu.contains(document.activeElement) || document.activeElement === toggle;
    toggle.setAttribute("aria-expanded", "false");
    if (inside) {
      toggle.focus();
    }
  });
});
