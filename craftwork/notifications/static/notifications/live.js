/* Craftwork live bell: listens on /ws/me/ and keeps the unread count current.
   Falls back to polling the unread-count endpoint every 60 s while the socket is down.
   Every message from the socket is re-dispatched as a "craftwork:push" DOM event
   (detail = {type, data}) so other pages can react without opening a second socket. */
(function () {
  "use strict";
  var badge = document.querySelector("[data-notifications-count]");
  if (!badge) { return; }
  var number = badge.querySelector("[data-count]") || badge;
  var pollUrl = badge.getAttribute("data-poll-url");
  var socketPath = badge.getAttribute("data-socket-path") || "/ws/me/";
  var POLL_MS = 60000;
  var pollTimer = null;
  var attempts = 0;

  function show(count) {
    count = parseInt(count, 10);
    if (isNaN(count) || count < 0) { return; }
    number.textContent = count > 99 ? "99+" : String(count);
    badge.style.display = count === 0 ? "none" : "";
  }

  function poll() {
    if (!pollUrl || !window.fetch) { return; }
    fetch(pollUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { show(data.unread_count); } })
      .catch(function () { /* offline: try again at the next tick */ });
  }

  function startPolling() {
    if (pollTimer === null) { pollTimer = window.setInterval(poll, POLL_MS); }
  }

  function stopPolling() {
    if (pollTimer !== null) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (!message || typeof message.type !== "string") { return; }
    if (message.data && message.data.unread_count !== undefined) { show(message.data.unread_count); }
    document.dispatchEvent(new CustomEvent("craftwork:push", { detail: message }));
  }

  function connect() {
    if (!("WebSocket" in window)) { startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try { socket = new WebSocket(scheme + window.location.host + socketPath); } catch (e) { startPolling(); return; }
    socket.addEventListener("open", function () {
      attempts = 0;
      stopPolling();
      poll(); // catch up with anything that happened while disconnected
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      startPolling();
      if (event.code === 4401) { return; } // signed out: polling alone will do
      attempts += 1;
      window.setTimeout(connect, Math.min(300000, 2000 * Math.pow(2, attempts)));
    });
  }

  connect();
})();
