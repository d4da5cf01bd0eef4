/* Craftwork's small page behaviours, one static file (no inline scripts, so a strict
   Content-Security-Policy holds). Each works on markup that is usable without it. */
(function () {
  "use strict";

  // A <select data-submit-on-change> sends its form when changed (the footer's language picker).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-submit-on-change]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });

  // The account menu opens on focus without JS (CSS :focus-within); here it also opens and
  // closes on click, says so to screen readers, and closes on Escape or a click elsewhere.
  function setOpen(menu, open) {
    menu.classList.toggle("is-open", open);
    var button = menu.querySelector(".nav-menu-button");
    if (button) button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".nav-menu-button");
    document.querySelectorAll("[data-nav-menu]").forEach(function (menu) {
      if (button && menu.contains(button)) {
        setOpen(menu, !menu.classList.contains("is-open"));
      } else if (!menu.contains(event.target)) {
        setOpen(menu, false);
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("[data-nav-menu].is-open").forEach(function (menu) {
      setOpen(menu, false);
      var button = menu.querySelector(".nav-menu-button");
      if (button) button.focus();
    });
  });

  // <button data-dialog-open="id"> opens <dialog id="id" class="modal">; [data-dialog-close] closes it.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dialog && dialog.showModal) dialog.showModal();
    }
    var closer = event.target.closest && event.target.closest("[data-dialog-close]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) open.close();
    }
  });

  // Tables become stacked rows on a phone (CSS); each cell shows its column's heading there.
  function labelCells(root) {
    root.querySelectorAll("table").forEach(function (table) {
      if (table.hasAttribute("data-no-stack")) return;
      var headings = Array.prototype.map.call(
        table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      if (!headings.length) return;
      table.classList.add("table-stack");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (!cell.hasAttribute("data-label") && headings[index]) {
            cell.setAttribute("data-label", headings[index]);
          }
        });
      });
    });
  }
  // Sign-up sends the browser's time zone, so a new account starts in the person's own zone.
  function fillTimezone(root) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    root.querySelectorAll("input[data-browser-timezone]").forEach(function (input) {
      if (!input.value) input.value = zone;
    });
  }
  function ready() { labelCells(document); fillTimezone(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  document.addEventListener("htmx:afterSwap", function (event) { labelCells(event.target); });
})();
