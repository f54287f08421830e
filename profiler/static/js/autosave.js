/* Autosave for exercise forms (progressive enhancement; the form works without it).
 *
 * Posts to the same URL with Accept: application/json and the CSRF token, a moment after
 * the client stops typing: only the answers that changed since the last save (each with its
 * revision marker), and the rest of the form (the token, the coach flag and its note).
 * URL-encoded, as a plain form is: a phone sends a few hundred bytes, not the whole form.
 * Shows the result in an aria-live region. Never touches what the client typed: on failure
 * the text stays, is still unsaved, and we try again.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams ||
      !window.FormData.prototype.forEach) {
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
  var REV = "_rev-";

  /* The field id of an answer input ("f.<field>" or "f.<field>.<part>"), else null. */
  function fieldOf(name) {
    return name.indexOf("f.") === 0 ? name.slice(2).split(".")[0] : null;
  }

  /* Field id -> its inputs' names and values as one string, to compare with the last save. */
  function answers(data) {
    var found = {};
    data.forEach(function (value, name) {
      var id = fieldOf(name);
      if (id !== null) {
        found[id] = (found[id] || "") + name + "=" + encodeURIComponent(value) + "&";
      }
    });
    return found;
  }

  function fieldIds() {
    var markers = form.querySelectorAll('input[name^="' + REV + '"]');
    return Array.prototype.map.call(markers, function (input) {
      return input.name.slice(REV.length);
    });
  }

  /* What the page holds now counts as saved, except a field the server gave back with an
   * error: its text was not stored, so the next save sends it again. */
  var saved = {};
  var shown = answers(new FormData(form));
  fieldIds().forEach(function (id) {
    var wrapper = document.getElementById("f-" + id + "-field");
    if (!wrapper || !wrapper.querySelector(".field__error")) {
      saved[id] = shown[id] || "";
    }
  });

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

  /* The revision markers the server gives back: of the fields it stored, never of one it
   * refused or was not sent (see _new_markers in profiler/client/views.py). */
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

  /* After a logout (the idle timeout) and a new login in another tab, this page's CSRF
   * token belongs to the old session: every save would be refused. Take the token from a
   * fresh copy of the page; false while still logged out (the page then redirects to the
   * login page, whose token is no use here), and false when someone else logged in on this
   * browser: this page's text must never be saved into their account. */
  function refreshToken() {
    return window
      .fetch(form.action, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          return false;
        }
        return response.text().then(function (html) {
          var match = /name="csrf_token" value="([^"]+)"/.exec(html);
          var owner = /data-owner="([^"]+)"/.exec(html);
          var input = form.querySelector('input[name="csrf_token"]');
          if (!match || !input || !owner || owner[1] !== form.getAttribute("data-owner")) {
            return false;
          }
          input.value = match[1];
          return true;
        });
      });
  }

  function failed(message) {
    dirty = true;
    show("failed", message || text("failed"));
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(save, RETRY);
  }

  function save() {
    window.clearTimeout(timer);
    if (busy) {
      again = true;
      return;
    }
    if (tokenStale) {
      busy = true;
      refreshToken()
        .then(function (fresh) {
          busy = false;
          if (fresh) {
            tokenStale = false;
            save();
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
    var data = new FormData(form);
    var now = answers(data);
    var changed = fieldIds().filter(function (id) {
      return (now[id] || "") !== saved[id];
    });
    var sent = new URLSearchParams();
    data.forEach(function (value, name) {
      var id = name.indexOf(REV) === 0 ? name.slice(REV.length) : fieldOf(name);
      if (id === null || changed.indexOf(id) !== -1) {
        sent.append(name, value);
      }
    });
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
        var refused = Object.keys(body.errors || {}).map(function (key) {
          return key.split(".")[0];
        });
        changed.forEach(function (id) {
          if (refused.indexOf(id) === -1) {
            saved[id] = now[id] || "";
          }
        });
        if (refused.length) {
          dirty = true; // the refused text is only on this page: warn before leaving it
        }
        var state = body.conflicts && body.conflicts.length ? "conflict" : "saved";
        if (body.errors && Object.keys(body.errors).length) {
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
