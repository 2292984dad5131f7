// The back office works without this file. With it, a tariff's form
// shows the split of its regular price as it is typed: the ledger
// computes it (GET /beheer/tariffs/preview) by the same rules as on
// saving, and the answer replaces the preview in place.
"use strict";
(function () {
  function wire(form) {
    var target = document.getElementById(form.getAttribute("data-target"));
    if (!target) { return; }
    var timer = null, seq = 0;
    function update() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (v, k) { if (k !== "preview") { params.append(k, v); } });
      var mine = ++seq;
      fetch(form.getAttribute("data-preview") + "?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null && mine === seq) { target.innerHTML = html; } })
        .catch(function () {});
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 200); });
    form.addEventListener("change", function () { clearTimeout(timer); update(); });
  }
  function start() { document.querySelectorAll("form[data-preview]").forEach(wire); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
