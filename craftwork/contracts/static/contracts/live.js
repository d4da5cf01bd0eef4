/* Contract page: reload the live section when /ws/me/ says this contract changed.
   Without WebSockets (or JavaScript) the page works the same; it just does not refresh itself. */
(function () {
  "use strict";
  var root = document.getElementById("contract-live");
  if (!root || !("WebSocket" in window) || !window.fetch) return;
  var contractId = root.getAttribute("data-contract-id");
  var fragmentUrl = root.getAttribute("data-fragment-url");
  var stale = document.getElementById("contract-stale");
  var pending = null;
  var delay = 1000;

  function busy() {
    // Never replace a form the user is filling in; offer a reload link instead.
    var active = document.activeElement;
    if (active && root.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) return true;
    var fields = root.querySelectorAll("textarea, input[type=text], input[type=file], input[type=number], input[type=date]");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "file" ? f.files.length : f.value !== f.defaultValue) return true;
    }
    return false;
  }

  function reload() {
    pending = null;
    if (busy()) { if (stale) stale.hidden = false; return; }
    fetch(fragmentUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { root.innerHTML = html; if (stale) stale.hidden = true; } })
      .catch(function () { if (stale) stale.hidden = false; });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/me/");
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type !== "contract_changed" || !event.data || event.data.contract_id !== contractId) return;
      if (pending) clearTimeout(pending);
      pending = setTimeout(reload, 300); // one reload for a burst of changes
    };
    socket.onclose = function (event) {
      if (event.code === 4401) return; // signed out
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  connect();
})();
