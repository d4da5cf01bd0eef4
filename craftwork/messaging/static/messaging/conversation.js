/* Conversation page: listens on /ws/conversations/<id>/ and refreshes the page's messages at
   once (through the HTMX poller, which otherwise runs every few seconds), shows who is typing,
   and tells the others when you type. Without WebSockets or JavaScript the page still works:
   forms post, links load, and HTMX polls. */
(function () {
  "use strict";
  var root = document.getElementById("conversation");
  if (!root || !root.hasAttribute("data-live")) { return; }
  var id = root.getAttribute("data-conversation-id");
  var typingBox = document.getElementById("typing");
  var socket = null;
  var attempts = 0;
  var pending = null;
  var lastTypingSent = 0;
  var typingTimer = null;
  var pingTimer = null;
  var typers = {};

  function list() { return document.getElementById("message-list"); }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
  }

  var missed = false;

  function refresh() {
    // A hidden tab does not read: it catches up (and marks read) when shown again.
    if (document.hidden) { missed = true; return; }
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () {
      pending = null;
      var poller = document.getElementById("poller");
      if (window.htmx && poller) { window.htmx.trigger(poller, "refresh"); }
    }, 100);
  }

  function showTyping() {
    var names = Object.keys(typers).map(function (key) { return typers[key].name; });
    if (!typingBox) { return; }
    if (!names.length) { typingBox.hidden = true; typingBox.textContent = ""; return; }
    var template = names.length === 1
      ? (typingBox.getAttribute("data-one") || "%s is typing…")
      : (typingBox.getAttribute("data-many") || "%s are typing…");
    typingBox.textContent = template.replace("%s", names.join(", "));
    typingBox.hidden = false;
  }

  function onTyping(user) {
    if (!user || !user.id) { return; }
    if (typers[user.id]) { window.clearTimeout(typers[user.id].timer); }
    typers[user.id] = {
      name: user.name,
      timer: window.setTimeout(function () { delete typers[user.id]; showTyping(); }, 4000)
    };
    showTyping();
  }

  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (!message || typeof message.type !== "string") { return; }
    var data = message.data || {};
    if (message.type === "typing") { onTyping(data.user); return; }
    if (message.type === "message.created" && data.author && typers[data.author.id]) {
      delete typers[data.author.id];
      showTyping();
    }
    if (message.type === "message.created" || message.type === "message.updated" ||
        message.type === "read" || message.type === "conversation.changed") {
      refresh();
    }
  }

  function ping() {
    // Pings keep you "viewing" (no "new message" notifications); a hidden tab stops after 60 s.
    if (socket && socket.readyState === 1 && !document.hidden) { socket.send('{"type":"ping"}'); }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { return; }
    ping();
    if (missed) { missed = false; refresh(); }
  });

  function connect() {
    if (!("WebSocket" in window)) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/conversations/" + id + "/");
    } catch (e) { return; }
    socket.addEventListener("open", function () {
      attempts = 0;
      refresh(); // catch up with anything missed while disconnected
      pingTimer = window.setInterval(ping, 20000);
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      window.clearInterval(pingTimer);
      socket = null;
      if (event.code === 4401 || event.code === 4404) { return; } // polling alone will do
      attempts += 1;
      window.setTimeout(connect, Math.min(300000, 1000 * Math.pow(2, attempts)));
    });
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!target || target.name !== "body" || !target.closest("#composer")) { return; }
    var now = Date.now();
    if (socket && socket.readyState === 1 && now - lastTypingSent > 2000) {
      lastTypingSent = now;
      socket.send('{"type":"typing"}');
    }
  });

  document.body.addEventListener("htmx:beforeSwap", function () {
    root.setAttribute("data-stick", nearBottom() ? "1" : "0");
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    // Two overlapping refreshes may both append the same new message: keep the first.
    var seen = {};
    var items = list() ? list().querySelectorAll(":scope > li[id^='m-']") : [];
    for (var i = 0; i < items.length; i++) {
      if (seen[items[i].id]) { items[i].parentNode.removeChild(items[i]); } else { seen[items[i].id] = true; }
    }
    var empty = document.getElementById("no-messages");
    if (empty && items.length) { empty.parentNode.removeChild(empty); }
    if (root.getAttribute("data-stick") === "1") { window.scrollTo(0, document.body.scrollHeight); }
  });

  if (list() && list().lastElementChild && !window.location.hash) {
    window.scrollTo(0, document.body.scrollHeight);
  }
  connect();
})();
