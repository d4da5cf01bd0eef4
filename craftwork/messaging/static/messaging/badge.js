/* The header's unread-messages badge: updated by the "messages_unread" pushes that arrive on
   /ws/me/ (re-dispatched as "craftwork:push" events by notifications/live.js), and polled from
   /api/v1/conversations/unread/ every 60 s as a fallback. */
(function () {
  "use strict";
  var badge = document.querySelector("[data-messages-count]");
  if (!badge) { return; }
  var number = badge.querySelector("[data-count]") || badge;
  var pollUrl = badge.getAttribute("data-poll-url");

  function show(count) {
    count = parseInt(count, 10);
    if (isNaN(count) || count < 0) { return; }
    number.textContent = count > 99 ? "99+" : String(count);
    badge.style.display = count === 0 ? "none" : "";
  }

  document.addEventListener("craftwork:push", function (event) {
    var detail = event.detail || {};
    if (detail.type === "messages_unread" && detail.data) { show(detail.data.total); }
  });

  if (pollUrl && window.fetch) {
    window.setInterval(function () {
      fetch(pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { show(data.total); } })
        .catch(function () {});
    }, 60000);
  }
})();
