// Observation entry sheet: autosave with a version token, a draft kept on the device while offline,
// conflicts shown instead of silent overwrites (a save from an older copy is refused whoever saved
// since, even the same person on another device; the server keeps the refused entries and a page
// lets the person choose item by item), a keyboard-only "fast mode" for copying paper sheets,
// and a small service worker so the page reopens without a connection.
//
// Wired by data attributes on [data-observation-form]; every text shown comes from a data-msg-*
// attribute translated on the server. Without this file the form still posts and saves.
(function () {
  "use strict";

  var form = document.querySelector("[data-observation-form]");
  if (!form) {
    return;
  }

  var DEBOUNCE_MS = 1500;
  var MAX_RETRY_MS = 60000;
  var FIELDS = ["class_name", "observed_on", "pre_notes", "strengths", "improvements", "post_notes"];

  var autosaveUrl = form.getAttribute("data-autosave-url");
  var draftKey = form.getAttribute("data-draft-key");
  var pageRevision = parseInt(form.getAttribute("data-revision"), 10) || 0;
  var scaleMin = parseInt(form.getAttribute("data-scale-min"), 10);
  var scaleMax = parseInt(form.getAttribute("data-scale-max"), 10);
  var naAllowed = form.getAttribute("data-na-allowed") === "1";
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var revisionInput = form.querySelector("[data-base-revision]");
  var statusEl = form.querySelector("[data-status]");
  var scoreEl = form.querySelector("[data-score]");
  var predikatEl = form.querySelector("[data-predikat]");
  var countEl = form.querySelector("[data-count]");
  var staleEl = form.querySelector("[data-score-stale]");
  var noticeEl = form.querySelector("[data-draft-notice]");
  var conflictPanel = form.querySelector("[data-conflict-panel]");
  var conflictList = form.querySelector("[data-conflict-list]");
  var conflictMessage = form.querySelector("[data-conflict-message]");
  var conflictChoose = form.querySelector("[data-conflict-choose]");
  var items = Array.prototype.slice.call(form.querySelectorAll("[data-item]"));

  var baseRevision = pageRevision;
  // Only what the person changed is sent (and kept as the draft): a page reopened from the offline
  // copy may show older values for the rest, and those must never overwrite newer saves.
  var dirtyItems = {};
  var dirtyFields = {};
  var changeSeq = 0; // bumped on every change
  var savedSeq = 0; // the last change the server confirmed
  var inFlight = null; // the promise of the request on its way, if any
  var timer = null;
  var retryDelay = 0;
  var conflictRevision = null; // set while the conflict panel waits for the person's choice

  function msg(name) {
    return form.getAttribute("data-msg-" + name) || "";
  }

  function setStatus(state, text) {
    statusEl.setAttribute("data-state", state);
    statusEl.textContent = text || msg(state);
    // The score shown is the server's last one: offline it says so (no score is computed here).
    if (staleEl && (state === "offline" || state === "saved")) {
      staleEl.hidden = state !== "offline";
    }
  }

  function pending() {
    return changeSeq !== savedSeq;
  }

  // --- the sheet's state -------------------------------------------------------------------------

  function itemEntry(el) {
    var checked = el.querySelector("input[type=radio]:checked");
    var note = el.querySelector("textarea");
    var entry = { points: null, na: false, note: note ? note.value : "" };
    if (checked && checked.value === "na") {
      entry.na = true;
    } else if (checked) {
      entry.points = parseInt(checked.value, 10);
    }
    return entry;
  }

  function collect() {
    var scores = {};
    items.forEach(function (el) {
      var id = el.getAttribute("data-item");
      if (dirtyItems[id]) {
        scores[id] = itemEntry(el);
      }
    });
    var fields = {};
    FIELDS.forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el && dirtyFields[name]) {
        fields[name] = el.value;
      }
    });
    return { scores: scores, fields: fields };
  }

  function markDirty(target) {
    var item = target.closest("[data-item]");
    if (item) {
      dirtyItems[item.getAttribute("data-item")] = true;
    } else if (FIELDS.indexOf(target.name) !== -1) {
      dirtyFields[target.name] = true;
    }
  }

  // Put `state` into the form; `dirty`: the entries count as the person's changes (a draft) rather
  // than as what the server already has (the last confirmed save).
  function apply(state, dirty) {
    var scores = state.scores || {};
    items.forEach(function (el) {
      var entry = scores[el.getAttribute("data-item")];
      if (!entry) {
        return;
      }
      if (dirty) {
        dirtyItems[el.getAttribute("data-item")] = true;
      }
      var value = entry.na ? "na" : entry.points === null || entry.points === undefined ? "" : String(entry.points);
      el.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.checked = radio.value === value;
      });
      var note = el.querySelector("textarea");
      if (note) {
        note.value = entry.note || "";
        if (entry.note) {
          el.querySelector("details").open = true;
        }
      }
    });
    var fields = state.fields || {};
    FIELDS.forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el && typeof fields[name] === "string") {
        el.value = fields[name];
        if (dirty) {
          dirtyFields[name] = true;
        }
      }
    });
  }

  // --- the draft on this device ------------------------------------------------------------------

  // What the server confirmed last (every entry, its revision and score). The offline copy of the
  // page is as old as the last visit; this puts the newer saved values back into it.
  var savedKey = draftKey + ":server";

  function everything() {
    var scores = {};
    items.forEach(function (el) {
      scores[el.getAttribute("data-item")] = itemEntry(el);
    });
    var fields = {};
    FIELDS.forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el) {
        fields[name] = el.value;
      }
    });
    return { scores: scores, fields: fields };
  }

  function remember(key, value) {
    try {
      if (value === null) {
        localStorage.removeItem(key);
      } else {
        localStorage.setItem(key, JSON.stringify(value));
      }
    } catch (error) {
      // Storage full or disabled (private mode): autosave still works while online.
    }
  }

  function recall(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function writeDraft() {
    try {
      localStorage.setItem(draftKey, JSON.stringify({ base: baseRevision, at: Date.now(), state: collect() }));
    } catch (error) {
      // Storage full or disabled (private mode): autosave still works while online.
    }
  }

  function readDraft() {
    try {
      var draft = JSON.parse(localStorage.getItem(draftKey) || "null");
      return draft && draft.state ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function clearDraft() {
    try {
      localStorage.removeItem(draftKey);
    } catch (error) {
      // nothing to clear
    }
  }

  // --- saving ------------------------------------------------------------------------------------

  function setRevision(revision) {
    baseRevision = revision;
    revisionInput.value = String(revision);
  }

  function showResult(data) {
    scoreEl.textContent = data.percentage || "–";
    predikatEl.textContent = data.predikat || "";
    countEl.textContent = msg("count").replace("{scored}", data.scored).replace("{applicable}", data.applicable);
    // "Submit to the teacher" was rendered disabled while items were unscored: the last saved item
    // enables it without a reload (the server checks again on submit).
    var missing = Math.max(0, data.applicable - data.scored);
    var complete = missing === 0;
    document.querySelectorAll("[data-needs-all-scores]").forEach(function (button) {
      button.disabled = !complete;
    });
    // "n items are not scored yet" follows every save.
    document.querySelectorAll("[data-unscored-note]").forEach(function (note) {
      note.hidden = complete;
      var text = note.getAttribute(missing === 1 ? "data-msg-one" : "data-msg-other");
      if (!complete && text) {
        note.textContent = text.replace("{count}", String(missing));
      }
    });
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function retryLater(state) {
    setStatus(state);
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, MAX_RETRY_MS);
    schedule(retryDelay);
  }

  function onChange(event) {
    markDirty(event.target);
    changeSeq += 1;
    form.classList.add("is-dirty");
    writeDraft();
    if (conflictRevision !== null) {
      return; // the person decides first
    }
    setStatus(navigator.onLine ? "unsaved" : "offline");
    if (navigator.onLine) {
      schedule(DEBOUNCE_MS);
    }
  }

  function save(options) {
    window.clearTimeout(timer);
    if (inFlight) {
      return inFlight;
    }
    if (!pending() || conflictRevision !== null) {
      return Promise.resolve();
    }
    if (!navigator.onLine) {
      setStatus("offline");
      return Promise.resolve(); // the "online" event sends it
    }
    var sentSeq = changeSeq;
    var payload = collect();
    payload.base_revision = baseRevision;
    setStatus("saving");
    inFlight = fetch(autosaveUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: Boolean(options && options.keepalive),
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfInput ? csrfInput.value : "",
      },
      body: JSON.stringify(payload),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null; // a login page or an error page is HTML
          })
          .then(function (data) {
            inFlight = null;
            handle(response, data, sentSeq);
          });
      })
      .catch(function () {
        inFlight = null;
        retryLater("offline");
      });
    return inFlight;
  }

  function handle(response, data, sentSeq) {
    if (response.ok && data && typeof data.revision === "number") {
      setRevision(data.revision);
      remember(savedKey, { revision: data.revision, result: data, state: everything() });
      savedSeq = sentSeq;
      retryDelay = 0;
      showResult(data);
      if (pending()) {
        writeDraft(); // newer changes, now based on the new revision
        setStatus("unsaved");
        schedule(DEBOUNCE_MS);
      } else {
        dirtyItems = {};
        dirtyFields = {};
        clearDraft();
        form.classList.remove("is-dirty");
        setStatus("saved");
      }
    } else if (response.status === 409 && data && data.conflict) {
      showConflict(data);
    } else if (response.status === 400 && data && data.error) {
      setStatus("error", msg("error") + ": " + data.error);
    } else if (response.redirected || response.status === 403) {
      setStatus("error", msg("session")); // logged out, or the token expired: the draft stays here
    } else {
      retryLater("error");
    }
  }

  // --- conflicts ---------------------------------------------------------------------------------

  function showConflict(data) {
    conflictRevision = data.revision;
    setStatus("conflict");
    conflictMessage.textContent = data.error || "";
    conflictList.textContent = "";
    (data.changes || []).forEach(function (change) {
      var li = document.createElement("li");
      li.appendChild(document.createTextNode((change.label || "") + ": "));
      var strong = document.createElement("strong");
      strong.textContent = change.display || msg("empty");
      li.appendChild(strong);
      conflictList.appendChild(li);
    });
    if (data.choose_url) {
      // The server kept the refused entries (a device that kept an old copy never overwrites): the
      // person chooses item by item there. The draft on this device is that copy, so it goes;
      // otherwise reopening the sheet would send it again and refuse it again.
      conflictChoose.href = data.choose_url;
      conflictChoose.hidden = false;
      clearDraft();
    }
    conflictPanel.hidden = false;
    conflictPanel.scrollIntoView({ block: "center", behavior: "instant" });
  }

  form.querySelector("[data-conflict-reload]").addEventListener("click", function () {
    clearDraft();
    window.location.reload();
  });

  form.querySelector("[data-conflict-overwrite]").addEventListener("click", function () {
    // An explicit overwrite: resend the person's entries based on the revision they have now seen.
    setRevision(conflictRevision);
    conflictRevision = null;
    conflictPanel.hidden = true;
    if (!pending()) {
      changeSeq += 1;
    }
    writeDraft();
    save();
  });

  // --- events ------------------------------------------------------------------------------------

  form.addEventListener("change", onChange);
  form.addEventListener("input", function (event) {
    if (event.target.matches("textarea, input[type=text]")) {
      onChange(event);
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!pending()) {
      changeSeq += 1; // "Simpan" always asks the server
    }
    save();
  });

  // Another form on the page (submit to the teacher, language): send pending entries first.
  document.addEventListener("submit", function (event) {
    var other = event.target;
    if (other === form || other.hasAttribute("data-flushed") || !pending() || !navigator.onLine) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    save().then(function () {
      if (!pending()) {
        other.setAttribute("data-flushed", "");
        other.requestSubmit(submitter);
      }
    });
  });

  window.addEventListener("online", function () {
    retryDelay = 0;
    save();
  });
  window.addEventListener("offline", function () {
    if (pending() && conflictRevision === null) {
      setStatus("offline");
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && pending()) {
      save({ keepalive: true });
    }
  });

  // --- a draft left on this device ---------------------------------------------------------------
  // It holds only changes the server has not confirmed: put them back over the page (which may be
  // the offline copy, older than the last save) and send them with the revision they were based on,
  // so that any later save (another person's, or this person's on another device) shows as a conflict.

  var confirmed = recall(savedKey);
  if (confirmed && confirmed.state && confirmed.revision > pageRevision) {
    apply(confirmed.state, false);
    setRevision(confirmed.revision);
    if (confirmed.result) {
      showResult(confirmed.result);
    }
  } else if (confirmed) {
    remember(savedKey, null); // the page is as new: nothing to keep
  }

  var draft = readDraft();
  if (draft) {
    apply(draft.state, true);
    setRevision(typeof draft.base === "number" ? draft.base : pageRevision);
    changeSeq = 1;
    form.classList.add("is-dirty");
    noticeEl.hidden = false;
    if (navigator.onLine) {
      save();
    } else {
      setStatus("offline");
    }
  }

  // --- fast mode: one keystroke per item ---------------------------------------------------------
  // A digit within the scale scores the current item and moves on; "n" marks it not applicable
  // (where the instrument allows); Backspace or ↑ goes back, Enter or ↓ skips, Esc leaves. On a scale
  // that ends at 10 without a 0, "0" stands for 10.

  var toggle = form.querySelector("[data-fast-toggle]");
  var hint = form.querySelector("[data-fast-hint]");
  var fast = false;
  var current = 0;

  function focusItem(index) {
    current = Math.max(0, Math.min(index, items.length - 1));
    items.forEach(function (el, n) {
      el.classList.toggle("is-current", n === current);
    });
    var el = items[current];
    if (el) {
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: "center", behavior: "instant" });
    }
  }

  function firstEmpty() {
    for (var n = 0; n < items.length; n += 1) {
      if (!items[n].querySelector("input[type=radio]:checked")) {
        return n;
      }
    }
    return 0;
  }

  function setFast(on) {
    fast = on;
    form.classList.toggle("is-fast", on);
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    hint.hidden = !on;
    if (on) {
      focusItem(firstEmpty());
    } else {
      items.forEach(function (el) {
        el.classList.remove("is-current");
      });
    }
  }

  function choose(value) {
    var radio = items[current] && items[current].querySelector('input[type=radio][value="' + value + '"]');
    if (!radio) {
      return;
    }
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    if (current < items.length - 1) {
      focusItem(current + 1);
    } else {
      items[current].classList.remove("is-current");
      var next = form.elements.namedItem("strengths");
      if (next) {
        next.focus();
      }
    }
  }

  function digitValue(key) {
    var value = parseInt(key, 10);
    if (value === 0 && scaleMin > 0 && scaleMax === 10) {
      value = 10;
    }
    return value >= scaleMin && value <= scaleMax ? String(value) : null;
  }

  if (toggle && items.length) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setFast(!fast);
    });

    items.forEach(function (el, n) {
      el.addEventListener("focusin", function () {
        if (fast) {
          current = n;
          items.forEach(function (other, m) {
            other.classList.toggle("is-current", m === n);
          });
        }
      });
    });

    document.addEventListener("keydown", function (event) {
      if (!fast || event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      var target = event.target;
      var typing = target.matches("textarea, input[type=text], input[type=date], select");
      if (event.key === "Escape") {
        setFast(false);
        toggle.focus();
        return;
      }
      if (typing || target.matches("button, a, summary")) {
        return;
      }
      if (/^[0-9]$/.test(event.key)) {
        event.preventDefault();
        var value = digitValue(event.key);
        if (value !== null) {
          choose(value);
        }
      } else if ((event.key === "n" || event.key === "N") && naAllowed) {
        event.preventDefault();
        choose("na");
      } else if (event.key === "Backspace" || event.key === "ArrowUp") {
        event.preventDefault();
        focusItem(current - 1);
      } else if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault();
        focusItem(current + 1);
      }
    });
  }

  // --- service worker: the entry page and its files, for reopening without a connection ----------

  var swUrl = form.getAttribute("data-sw-url");
  if (swUrl && "serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(swUrl)
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        var urls = [window.location.href.split("#")[0]];
        document.querySelectorAll("link[rel=stylesheet][href], link[rel=icon][href], script[src]").forEach(function (el) {
          urls.push(el.href || el.src);
        });
        if (registration.active) {
          registration.active.postMessage({ type: "cache", urls: urls });
        }
      })
      .catch(function () {
        // No worker (private mode, old browser): the draft still survives in localStorage.
      });
  }
})();
