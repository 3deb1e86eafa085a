// The sheet's print button: shown only when JavaScript runs (without it, the browser's own
// Print command does the same), wired here because the CSP forbids inline handlers.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
