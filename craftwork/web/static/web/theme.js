/* Loaded in <head> (not deferred) so the chosen colour theme applies before the page paints. */
(function () {
  "use strict";
  var KEY = "craftwork-theme";
  function apply(theme) {
    if (theme === "dark") document.documentElement.setAttribute("data-theme", "dark");
    else document.documentElement.removeAttribute("data-theme");
  }
  try { apply(localStorage.getItem(KEY)); } catch (e) { /* storage may be blocked */ }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var next = document.documentElement.getAttribute("data-theme") === "dark" ? "light" : "dark";
    apply(next);
    button.setAttribute("aria-pressed", next === "dark" ? "true" : "false");
    try { localStorage.setItem(KEY, next); } catch (e) { /* the choice lasts for this page */ }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var dark = document.documentElement.getAttribute("data-theme") === "dark";
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", dark ? "true" : "false");
    });
  });
})();
