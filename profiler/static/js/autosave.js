/* Autosave for exercise forms (progressive enhancement; the form works without it).
 *
 * Posts the same form to the same URL with Accept: application/json and the CSRF token,
 * a moment after the client stops typing. Shows the result in an aria-live region.
 * Never touches what the client typed: on failure the text stays and we try again.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById(form.getAttribute("data-status") || "");
  var DELAY = 1500;
  var RETRY = 15000;
  var timer = null;
  var retryTimer = null;
  var busy = false;
  var again = false;
  var dirty = false;

  function text(name) {
    return status ? status.getAttribute("data-" + name) || "" : "";
  }

  function show(state, message) {
    if (!status) {
      return;
    }
    status.textContent = message;
    status.className = "save-status save-status--" + state;
  }

  function schedule() {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
    show("pending", text("pending"));
  }

  function token() {
    var input = form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function setRevisions(revisions) {
    Object.keys(revisions || {}).forEach(function (fieldId) {
      var input = form.querySelector('input[name="_rev-' + fieldId + '"]');
      if (input) {
        input.value = String(revisions[fieldId]);
      }
    });
  }

  function markErrors(errors) {
    var old = form.querySelectorAll(".autosave-error");
    Array.prototype.forEach.call(old, function (node) {
      node.parentNode.removeChild(node);
    });
    Object.keys(errors || {}).forEach(function (key) {
      var wrapper = document.getElementById("f-" + key.split(".").join("-") + "-field");
      if (!wrapper) {
        return;
      }
      var p = document.createElement("p");
      p.className = "field__error autosave-error";
      p.textContent = errors[key].join(" ");
      var label = wrapper.querySelector("label, legend");
      if (label && label.nextSibling) {
        wrapper.insertBefore(p, label.nextSibling);
      } else {
        wrapper.appendChild(p);
      }
    });
  }

  function failed() {
    dirty = true;
    show("failed", text("failed"));
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(save, RETRY);
  }

  function save() {
    window.clearTimeout(timer);
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    dirty = false;
    show("pending", text("saving"));
    var data = new FormData(form);
    data.append("autosave", "1");
    window
      .fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token() }
      })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        var body = result.body || {};
        if (!result.ok) {
          failed();
          if (body.error && status) {
            status.textContent = text("failed") + " " + body.error;
          }
          return;
        }
        setRevisions(body.revisions);
        markErrors(body.errors);
        var state = body.conflicts && body.conflicts.length ? "conflict" : "saved";
        if (body.errors && Object.keys(body.errors).length) {
          state = "invalid";
        } else if (body.stale && body.stale.length && state === "saved") {
          state = "conflict";
        }
        show(state, body.message || text("saved"));
      })
      .catch(failed)
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          save();
        }
      });
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  window.addEventListener("beforeunload", function (event) {
    if (dirty || busy) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  form.addEventListener("submit", function () {
    dirty = false;
    window.clearTimeout(timer);
    window.clearTimeout(retryTimer);
  });
})();
