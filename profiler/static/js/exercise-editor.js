/* Exercise editor: refresh the preview after a pause in typing, and jump to a problem's line.
   Progressive enhancement: without this file the "Voorbeeld bekijken" button does the same. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var source = form.querySelector("textarea[name=source]");
  var target = document.getElementById(form.getAttribute("data-preview-target"));
  var status = document.getElementById(form.getAttribute("data-status"));
  var url = form.getAttribute("data-preview-url");
  var PAUSE = 700;
  var timer = null;
  var sent = 0;
  var lastText = source ? source.value : "";

  function say(key) {
    if (status) { status.textContent = status.getAttribute("data-" + key) || ""; }
  }

  function refresh() {
    var text = source.value;
    if (text === lastText) { return; }
    lastText = text;
    var mine = ++sent;
    say("busy");
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (mine !== sent) { return; }  // a newer request is on its way
      // The server renders and sanitizes this HTML (the same engine as the client page).
      target.innerHTML = data.html;
      target.setAttribute("data-state", data.ok ? "ok" : "problems");
      say("done");
    }).catch(function () {
      if (mine === sent) { lastText = null; say("failed"); }
    });
  }

  if (source) {
    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, PAUSE);
    });
  }

  // Saving (or the preview button) sends the form itself: no preview may start after that,
  // and an answer to one already on its way is ignored, so it cannot race the save.
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
    sent++;
  });

  // A link to "line N" of the text puts the cursor at the start of that line.
  form.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-line]") : null;
    if (!link || !source) { return; }
    event.preventDefault();
    var line = parseInt(link.getAttribute("data-line"), 10) || 1;
    var lines = source.value.split("\n");
    var offset = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { offset += lines[i].length + 1; }
    var end = offset + (lines[line - 1] || "").length;
    source.focus();
    source.setSelectionRange(offset, end);
    var height = source.scrollHeight / Math.max(lines.length, 1);
    source.scrollTop = Math.max(0, (line - 3) * height);
  });

  var problems = document.getElementById("save-problems");
  if (problems) { problems.focus(); }
})();
