// Drag a card onto another column: the card's own move form (which works without JavaScript)
// is submitted with that column's stage, so the server checks the move exactly as for a click.
(function () {
  "use strict";
  let dragged = null;
  document.querySelectorAll(".board-card[draggable=true]").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.card);
    });
    card.addEventListener("dragend", function () { dragged = null; });
  });
  document.querySelectorAll(".board-column").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (dragged) { event.preventDefault(); column.classList.add("drop-target"); }
    });
    column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("drop-target");
      if (!dragged || dragged.parentElement === column) { return; }
      const form = dragged.querySelector(".move-form");
      form.querySelector("select[name=stage]").value = column.dataset.stage;
      form.submit();
    });
  });
})();
