/* Registers the service worker that makes Craftwork installable (see craftwork/web/pwa.py). */
(function () {
  "use strict";
  var script = document.currentScript;
  var workerUrl = script && script.dataset.serviceWorker;
  if (!workerUrl || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {
      /* Not fatal: the site works the same without it. */
    });
  });
})();
