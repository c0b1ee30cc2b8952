// personvern — small progressive enhancement, no framework. Served from /static (CSP 'self').
(function () {
  "use strict";

  // Live lookup: an <input data-lookup="/console/lookup/results" data-target="#results"> fetches a fragment
  // as the agent types (debounced), so a pasted or typed number shows the profile within a keystroke or two.
  function liveLookup(input) {
    var target = document.querySelector(input.getAttribute("data-target"));
    var url = input.getAttribute("data-lookup");
    var timer = null, seq = 0;
    function run() {
      var mine = ++seq;
      fetch(url + "?q=" + encodeURIComponent(input.value), {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (mine === seq) { target.innerHTML = html; } });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    if (input.value) { run(); }
  }

  // A button with data-confirm asks before submitting its form.
  function confirmSubmit(el) {
    el.addEventListener("click", function (e) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-lookup]").forEach(liveLookup);
    document.querySelectorAll("[data-confirm]").forEach(confirmSubmit);
  });
})();
