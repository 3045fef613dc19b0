// Compares this device's clock with the server's, rendered into the page as epoch milliseconds
// (data-server-time), and reveals the warning when they differ by more than five minutes: a mini-PC
// kept offline for months keeps a wrong clock and dates signed documents with it. The time the page
// took to arrive is far below that margin.
(function () {
  var LIMIT_MS = 5 * 60 * 1000;

  function check() {
    document.querySelectorAll("[data-clock-check]").forEach(function (box) {
      var server = Number(box.getAttribute("data-server-time"));
      if (!server) {
        return;
      }
      var difference = Math.abs(Date.now() - server);
      if (difference <= LIMIT_MS) {
        return;
      }
      var minutes = Math.round(difference / 60000);
      box.textContent = box.getAttribute("data-message").replace("{minutes}", String(minutes));
      box.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
})();
