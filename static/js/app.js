// Behaviour wired by data attributes, never inline handlers: the CSP forbids inline script.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
  var confirmable = event.target.closest("[data-confirm]");
  if (confirmable && !window.confirm(confirmable.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
