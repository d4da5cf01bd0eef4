/* "Turn on push on this device" on the notification preferences page.
   Subscribes this browser with the site's VAPID key and sends the subscription to the API. */
(function () {
  "use strict";
  var box = document.querySelector("[data-push-device]");
  if (!box) return;
  var button = box.querySelector("[data-push-enable]");
  function show(selector) {
    var element = box.querySelector(selector);
    if (element) element.hidden = false;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show("[data-push-unsupported]");
    return;
  }
  if (Notification.permission === "denied") {
    show("[data-push-denied]");
    return;
  }
  button.hidden = false;

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          show("[data-push-denied]");
          throw new Error("permission " + permission);
        }
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.publicKey),
        });
      })
      .then(function (subscription) {
        return fetch(box.dataset.api, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(subscription.toJSON()),
        });
      })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        window.location.reload();
      })
      .catch(function () {
        if (box.querySelector("[data-push-denied]").hidden) show("[data-push-failed]");
        button.disabled = false;
      });
  });
})();
