// Follows a background job (a week being planned) and reloads the page when it has ended.
// The page works without this: it says to reload, and the job's state is in the database.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  document.documentElement.classList.add("js");
  var step = box.querySelector("[data-progress-step]");
  var url = box.getAttribute("data-progress-url");
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state === null) { window.setTimeout(poll, 5000); return; }
        if (state.finished) { window.location.reload(); return; }
        if (state.status === "none") { return; }
        if (step && state.step) { step.textContent = state.step; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
