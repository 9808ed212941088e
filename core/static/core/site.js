// Runs in <head>, before the page is drawn: marks that scripts run (so that the CSS can fold
// the phone menu away without first showing it unfolded), and opens and closes that menu.
// Without JavaScript the menu stays unfolded and its button is never shown.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function toggle(button, open) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-menu-toggle]");
    if (button) toggle(button, button.getAttribute("aria-expanded") !== "true");
  });

  // Escape folds an unfolded menu and puts the focus back on its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var button = document.querySelector('[data-menu-toggle][aria-expanded="true"]');
    if (!button) return;
    toggle(button, false);
    button.focus();
  });
})();
