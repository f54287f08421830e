/* Autosave for exercise forms (progressive enhancement; the form works without it).
 *
 * Posts the same form to the same URL with Accept: application/json and the CSRF token, a
 * moment after the client stops typing: URL-encoded, as the form itself posts (multipart
 * would put every answer under a 500 KB limit per part and answer a long paste with "file
 * too large"). Shows the result in an aria-live region. Never touches what the client
 * typed: on failure the text stays and we try again.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) {
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
  var tokenStale = false;
  var stopped = false;

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

  /* The page says "click Opslaan" for browsers without this script; with it, saving is
   * automatic (the class stays: nothing happened yet). */
  if (status && status.textContent.trim() && text("auto")) {
    status.textContent = text("auto");
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

  /* The revision markers the server gives back: never of a field it refused (see
   * _new_markers in profiler/client/views.py). */
  function setRevisions(revisions) {
    Object.keys(revisions || {}).forEach(function (fieldId) {
      var input = form.querySelector('input[name="_rev-' + fieldId + '"]');
      if (input) {
        input.value = String(revisions[fieldId]);
      }
    });
  }

  /* The errors a save came back with, shown as the page shows its own: the message under
   * the label with a hidden "Fout:" before it, and the controls marked aria-invalid and
   * described by it, so a screen reader says what is wrong when the control is reached.
   * The previous save's marks are taken away first. */
  function describedBy(node, id, add) {
    var ids = (node.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (add) {
      ids.push(id);
    }
    if (ids.length) {
      node.setAttribute("aria-describedby", ids.join(" "));
    } else {
      node.removeAttribute("aria-describedby");
    }
  }

  function controls(wrapper) {
    var found = wrapper.querySelectorAll("input:not([type=hidden]), textarea, select");
    return Array.prototype.slice.call(found);
  }

  /* What carries aria-describedby: the fieldset of a field made of several controls. */
  function marked(wrapper) {
    return wrapper.tagName === "FIELDSET" ? [wrapper] : controls(wrapper);
  }

  function markErrors(errors) {
    var old = form.querySelectorAll(".autosave-error");
    Array.prototype.forEach.call(old, function (node) {
      var wrapper = node.parentNode;
      marked(wrapper).forEach(function (control) {
        describedBy(control, node.id, false);
      });
      Array.prototype.forEach.call(
        wrapper.querySelectorAll("[data-autosave-invalid]"),
        function (control) {
          control.removeAttribute("aria-invalid");
          control.removeAttribute("data-autosave-invalid");
        }
      );
      wrapper.removeChild(node);
    });
    Object.keys(errors || {}).forEach(function (key) {
      var dom = "f-" + key.split(".").join("-");
      var wrapper = document.getElementById(dom + "-field");
      if (!wrapper) {
        return;
      }
      var p = document.createElement("p");
      p.className = "field__error autosave-error";
      p.id = dom + "-autosave-error";
      var prefix = document.createElement("span");
      prefix.className = "visually-hidden";
      prefix.textContent = text("error-prefix");
      p.appendChild(prefix);
      p.appendChild(document.createTextNode(" " + errors[key].join(" ")));
      var label = wrapper.querySelector("label, legend");
      if (label && label.nextSibling) {
        wrapper.insertBefore(p, label.nextSibling);
      } else {
        wrapper.appendChild(p);
      }
      marked(wrapper).forEach(function (control) {
        describedBy(control, p.id, true);
      });
      controls(wrapper).forEach(function (control) {
        if (control.getAttribute("aria-invalid") !== "true") {
          control.setAttribute("aria-invalid", "true");
          control.setAttribute("data-autosave-invalid", "");
        }
      });
    });
  }

  /* After a logout (the idle timeout) and a new login in another tab, this page's CSRF
   * token belongs to the old session: every save would be refused. Ask who is logged in now
   * (a request that reads and changes nothing else) and take that session's token when it
   * is this page's owner: "fresh". "out" while nobody is logged in (try again later);
   * "other" when someone else logged in on this browser: this page's text must never be
   * saved into their account, and it stops trying. */
  function refreshToken() {
    return window
      .fetch(form.getAttribute("data-session"), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
      .then(function (response) {
        if (!response.ok) {
          return "out";
        }
        return response.json().then(function (body) {
          var input = form.querySelector('input[name="csrf_token"]');
          if (String(body.owner) !== form.getAttribute("data-owner") || !input) {
            return "other";
          }
          input.value = body.csrf_token;
          return "fresh";
        });
      });
  }

  function failed(message) {
    dirty = true;
    show("failed", message || text("failed"));
    window.clearTimeout(retryTimer);
    if (!stopped) {
      retryTimer = window.setTimeout(save, RETRY);
    }
  }

  function save() {
    window.clearTimeout(timer);
    if (busy) {
      again = true;
      return;
    }
    if (stopped) {
      failed(text("someone-else"));
      return;
    }
    if (tokenStale) {
      busy = true;
      refreshToken()
        .then(function (state) {
          busy = false;
          if (state === "fresh") {
            tokenStale = false;
            save();
          } else if (state === "other") {
            stopped = true;
            failed(text("someone-else"));
          } else {
            failed(text("logged-out"));
          }
        })
        .catch(function () {
          busy = false;
          failed();
        });
      return;
    }
    busy = true;
    dirty = false;
    show("pending", text("saving"));
    var sent = new URLSearchParams(new FormData(form));
    sent.append("autosave", "1");
    window
      .fetch(form.action, {
        method: "POST",
        body: sent,
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
          // Refused for the session (logged out, or a token of an ended session): get a
          // fresh token before the next try, so the text is saved after a new login.
          tokenStale = Boolean(body.csrf || body.login);
          failed(body.error ? text("failed") + " " + body.error : "");
          return;
        }
        setRevisions(body.revisions);
        markErrors(body.errors);
        var invalid = Boolean(body.errors && Object.keys(body.errors).length);
        if (invalid) {
          dirty = true; // the refused text is only on this page: warn before leaving it
        }
        var state = body.conflicts && body.conflicts.length ? "conflict" : "saved";
        if (invalid) {
          state = "invalid";
        } else if (body.stale && body.stale.length && state === "saved") {
          state = "conflict";
        }
        show(state, body.message || text("saved"));
      })
      .catch(function () {
        failed();
      })
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
