/* angsur field helpers (our own code): GPS position and time for survey forms and photos, a local copy
   of the survey so a lost connection loses nothing, and sending through the phone's outbox (outbox.js).

   The survey form (form[data-draft-key]) keeps what is typed in localStorage, encrypted under the user's
   data key (AngsurDevice.sealText, device.js: nobody else who uses the phone can read it, and without
   WebCrypto nothing is kept); "Complete survey" puts the
   form into the outbox (IndexedDB) with its idempotency key (submit_key) and the phone's times, and the
   outbox sends it, after the photos taken before it, as soon as there is signal. The local copy is removed
   only once the server has accepted the survey. Without a connection the form stays on screen with a
   "not sent yet" notice; a refusal shows the server's messages on the form; a conflict (survey reassigned,
   application cancelled) is shown and kept. Photos go through the same outbox, with their GPS position and
   the time they were taken. Without JavaScript (or without IndexedDB) the forms post normally. */
(function () {
  "use strict";
  function setStatus(form, text) {
    form.querySelectorAll("[data-geo-status]").forEach(function (el) { el.textContent = text; });
  }
  function gpsReason(form, show) {
    form.querySelectorAll("[data-gps-reason]").forEach(function (el) {
      var answered = el.querySelector("textarea, input");
      if (show || (answered && answered.value) || el.querySelector(".errorlist")) { el.hidden = false; } else { el.hidden = true; }
    });
  }
  function iso(ms) { return new Date(ms || Date.now()).toISOString(); }
  function fill(form, position) {
    var coords = position.coords;
    var lat = form.querySelector("input[name=latitude]"), lon = form.querySelector("input[name=longitude]");
    if (lat && lon) { lat.value = coords.latitude.toFixed(6); lon.value = coords.longitude.toFixed(6); }
    // the GPS fix's own time (the survey), or the photo's time when none was set yet
    var fix = form.querySelector("input[name=gps_taken_at]");
    if (fix) { fix.value = iso(position.timestamp); fix.dispatchEvent(new Event("change", { bubbles: true })); }
    var taken = form.querySelector("input[name=taken_at]");
    if (taken && !taken.value) { taken.value = iso(); }
    setStatus(form, "GPS: " + coords.latitude.toFixed(5) + ", " + coords.longitude.toFixed(5) + " (±" + Math.round(coords.accuracy || 0) + " m)");
    gpsReason(form, false);
  }
  function geoText(form, name, fallback) {
    // the page gives the words in the user's language (survey.html: data-msg-denied, data-msg-unavailable)
    var el = form.querySelector("[data-geo-status]");
    return (el && el.getAttribute("data-msg-" + name)) || fallback;
  }
  function noPosition(form, name) {
    var lat = form.querySelector("input[name=latitude]");
    setStatus(form, geoText(form, name, "GPS: " + name));
    // a position from earlier (restored from this phone) still stands; otherwise the CMO must say why
    if (!lat || !lat.value) { gpsReason(form, true); }
  }
  function locate(form) {
    if (!navigator.geolocation) { noPosition(form, "unavailable"); return; }
    navigator.geolocation.getCurrentPosition(function (p) { fill(form, p); },
      function () { noPosition(form, "denied"); }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  document.querySelectorAll("form[data-geo-form]").forEach(function (form) {
    locate(form);
  });
  document.querySelectorAll("button[data-geo-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var prefix = button.getAttribute("data-geo-target");
      navigator.geolocation && navigator.geolocation.getCurrentPosition(function (p) {
        document.getElementById(prefix + "_latitude").value = p.coords.latitude.toFixed(6);
        document.getElementById(prefix + "_longitude").value = p.coords.longitude.toFixed(6);
      });
    });
  });
  var outbox = window.AngsurOutbox && window.fetch && window.FormData ? window.AngsurOutbox : null;
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function clock(isoText) {
    var d = isoText ? new Date(isoText) : new Date();
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  /* ---- photos: into the outbox with their position and the time they were taken ---- */
  var photoForm = document.querySelector("form[data-outbox-photo]");
  var photoBox = document.querySelector("[data-outbox-photos]");
  if (photoForm) {
    var fileInput = photoForm.querySelector("input[type=file]");
    if (fileInput) {
      fileInput.addEventListener("change", function () {
        // the moment the photo was taken (chosen), and a fresh position for it
        var taken = photoForm.querySelector("input[name=taken_at]");
        if (taken) { taken.value = iso(); }
        locate(photoForm);
      });
    }
    photoForm.addEventListener("submit", function () {
      var taken = photoForm.querySelector("input[name=taken_at]");
      if (taken && !taken.value) { taken.value = iso(); }
    });
  }
  function photoText(name) { return (photoBox && photoBox.getAttribute("data-msg-" + name)) || name; }
  function photoFigure(item, blob) {
    if (!photoBox) { return; }
    var fig = photoBox.querySelector("[data-photo-slot='" + item.slot + "']");
    if (!fig) {
      fig = document.createElement("figure");
      fig.className = "pending-photo";
      fig.setAttribute("data-photo-slot", item.slot);
      fig.setAttribute("data-testid", "pending-photo");
      var img = document.createElement("img");
      img.className = "photo-thumb small";
      img.alt = item.fields.caption || "";
      if (blob) { img.src = URL.createObjectURL(blob); }
      fig.appendChild(img);
      fig.appendChild(document.createElement("figcaption"));
      photoBox.appendChild(fig);
    }
    var thumb = fig.querySelector("img");
    if (blob && thumb && !thumb.getAttribute("src")) { thumb.src = URL.createObjectURL(blob); }
    var stored = item.status === "sent" && item.answer && item.answer.body && item.answer.body.url;
    if (stored && thumb) {
      // on the server now: shown like the photos the page listed (from the picture in memory while there is one)
      if (!thumb.getAttribute("src")) { thumb.src = stored; }
      fig.setAttribute("data-testid", "photo");
    }
    var none = document.querySelector("[data-no-photos]");
    if (none) { none.hidden = true; }
    var caption = fig.querySelector("figcaption");
    fig.className = "pending-photo " + item.status;
    fig.setAttribute("data-status", item.status);
    caption.textContent = item.status === "sent" ? photoText("sent") + " " + clock(item.sent_at)
      : item.status === "sending" ? photoText("sending")
      : item.status === "conflict" || item.status === "refused" ? photoText(item.status) + " " + (item.message || "")
      : photoText("waiting");
  }
  if (photoForm && outbox) {
    var photoUrl = photoForm.action;
    outbox.list().then(function (items) {
      items.forEach(function (item) {
        if (item.kind === "photo" && item.url === photoUrl && item.status !== "sent" && item.files[0]) { photoFigure(item, item.files[0].blob); }
      });
    }).catch(function () { /* storage refused */ });
    outbox.subscribe(function (item) {
      if (item.kind === "photo" && item.url === photoUrl) { photoFigure(item, null); }
    });
    photoForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = fileInput && fileInput.files && fileInput.files[0];
      if (!file) { setStatus(photoForm, photoText("no-file")); return; }
      var key = newKey(), fields = {};
      ["caption", "latitude", "longitude", "taken_at"].forEach(function (name) {
        var el = photoForm.elements.namedItem(name);
        fields[name] = el ? el.value : "";
      });
      var label = (photoForm.getAttribute("data-label") || "Foto") + (fields.caption ? " · " + fields.caption : "");
      outbox.put({
        slot: "photo-" + key, kind: "photo", url: photoUrl, label: label, page: location.pathname, key: key, keyField: "client_key",
        fields: fields, files: [{ name: "file", blob: file, filename: file.name || "foto.jpg" }]
      }).then(function (item) {
        photoFigure(item, file);
        photoForm.reset();
        var taken = photoForm.querySelector("input[name=taken_at]");
        if (taken) { taken.value = ""; }
        outbox.flush().catch(function () { /* it waits in the outbox */ });
      }, function () {
        // the phone refused to store it: send it as a plain form post instead (with the file still chosen)
        var clientKey = photoForm.elements.namedItem("client_key");
        if (clientKey) { clientKey.value = key; }
        HTMLFormElement.prototype.submit.call(photoForm);
      });
    });
  }

  /* ---- local copy (localStorage may be missing, full or refused: never let that break the form) ---- */
  var store = {
    get: function (k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* full or refused */ } },
    remove: function (k) { try { window.localStorage.removeItem(k); } catch (e) { /* refused */ } }
  };
  // the server says this survey is completed: its local copy is obsolete
  document.querySelectorAll("[data-draft-done]").forEach(function (el) {
    var done = el.getAttribute("data-draft-done");
    store.remove(done); store.remove(done + ":pending");
  });

  var draft = document.querySelector("form[data-draft-key]");
  if (!draft) { return; }
  var key = draft.getAttribute("data-draft-key"), pendingKey = key + ":pending";
  var SKIP = { csrfmiddlewaretoken: true, version: true };

  function snapshot() {
    var data = {};
    Array.prototype.forEach.call(draft.elements, function (el) {
      var name = el.name, type = el.type;
      if (!name || SKIP[name] || type === "file" || type === "submit" || type === "button" || type === "reset") { return; }
      if (type === "checkbox") { data[name] = el.checked ? (el.value || "on") : ""; }
      else if (type === "radio") { if (el.checked) { data[name] = el.value; } else if (!(name in data)) { data[name] = ""; } }
      else { data[name] = el.value; }
    });
    return data;
  }
  function save() { store.set(key, JSON.stringify(snapshot())); }
  // What this phone holds was typed here after the page was last rendered: it wins over the server's copy.
  function restore(saved) {
    var restored = false;
    Object.keys(saved).forEach(function (name) {
      var el = draft.elements.namedItem(name), value = saved[name];
      if (!el || SKIP[name] || value === null || value === undefined) { return; }
      var group = (typeof RadioNodeList !== "undefined" && el instanceof RadioNodeList) ? Array.prototype.slice.call(el) : null;
      if (group) {
        group.forEach(function (r) { if (r.type === "radio" || r.type === "checkbox") { r.checked = value !== "" && r.value === value; } });
      } else if (el.type === "checkbox") {
        el.checked = value !== "";
      } else if (el.type === "radio") {
        el.checked = el.value === value;
      } else if (el.type === "file") {
        return;
      } else if (el.type === "hidden" && value === "") {
        return;
      } else if (el.value !== value) {
        el.value = value;
      } else {
        return;
      }
      restored = true;
    });
    return restored;
  }
  // The copy is sealed (AES-GCM, the user's data key): it is kept only once the copy already on the phone
  // was read back, so a page that cannot open it (locked: device.js asks for the password) never overwrites it.
  var device = window.AngsurDevice && window.AngsurDevice.available ? window.AngsurDevice : null;
  var readable = false, keeping = Promise.resolve();
  function save() {
    if (!readable) { return keeping; }
    var text = JSON.stringify(snapshot());  // what the form holds now; written in the order typed
    keeping = keeping.then(function () { return device.sealText(text, key); }).then(function (sealed) { store.set(key, sealed); }, function () { /* locked or full */ });
    return keeping;
  }
  var restored = !device ? Promise.reject(new Error("no key on this browser: nothing is kept")) : device.key().then(function () {
    var kept = store.get(key);
    if (kept === null) { return null; }
    var text = device.isSealed(kept) ? device.openText(kept, key) : Promise.resolve(kept);  // a copy kept in clear before: sealed below
    return text.then(function (t) { return JSON.parse(t); }, function () { store.remove(key); return null; });  // sealed under a key gone since: unreadable
  }).then(function (saved) {
    readable = true;
    if (saved && typeof saved === "object") { restore(saved); save(); }
  });
  // the form says when the phone's copy is back on it (or could not be: locked, or no WebCrypto)
  restored.then(function () { draft.setAttribute("data-draft-ready", "restored"); }, function () { draft.setAttribute("data-draft-ready", "locked"); });
  draft.addEventListener("input", save);
  draft.addEventListener("change", save);

  /* ---- sending through the outbox: keep the copy until the server accepts ---- */
  if (!outbox) { return; }  // no IndexedDB or an old browser: plain form post, as without JS
  var slot = draft.getAttribute("data-outbox-slot") || key;
  outbox.hold(slot);  // this page shows the survey: it is sent from here (on Send again, with the signal, or by the outbox's timer)
  var notice = document.querySelector("[data-submit-notice]");
  var noticeText = notice && notice.querySelector("[data-submit-notice-text]");
  var againButton = notice && notice.querySelector("[data-send-again]");
  var buttons = draft.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  var loginPath = draft.getAttribute("data-login-url") || "/login/";
  var busy = false, leaving = false;

  function showNotice(state, extra) {
    if (!notice) { return; }
    var text = notice.getAttribute("data-msg-" + state) || "";
    if (extra) { text += " " + extra; }
    noticeText.textContent = text;
    notice.setAttribute("data-state", state);
    notice.hidden = false;
    if (againButton) { againButton.hidden = state === "sending"; againButton.disabled = busy; }
    if (state !== "sending" && notice.scrollIntoView) { notice.scrollIntoView({ block: "center" }); }
  }
  function hideNotice() { if (notice) { notice.hidden = true; } }
  function setBusy(value) {
    busy = value;
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = value; });
    if (againButton) { againButton.disabled = value; }
    draft.setAttribute("aria-busy", value ? "true" : "false");
  }
  function clearErrors() {
    draft.querySelectorAll("[data-client-errors]").forEach(function (el) { el.parentNode.removeChild(el); });
  }
  // the server's refusal (400), shown on the form as its own page would
  function showErrors(item) {
    clearErrors();
    var errors = item.errors || {}, loose = [], first = null;
    Object.keys(errors).forEach(function (name) {
      var el = draft.elements.namedItem(name);
      if (el && typeof RadioNodeList !== "undefined" && el instanceof RadioNodeList) { el = el[0]; }
      var box = el && el.closest ? el.closest(".field") : null;
      if (name === "gps_missing_reason") { gpsReason(draft, true); }
      if (!box || box.hidden) { loose = loose.concat(errors[name]); return; }
      var list = document.createElement("ul");
      list.className = "errorlist"; list.setAttribute("data-client-errors", "");
      errors[name].forEach(function (message) { var li = document.createElement("li"); li.textContent = message; list.appendChild(li); });
      box.appendChild(list);
      first = first || box;
    });
    if (!Object.keys(errors).length && item.message) { loose.push(item.message); }
    if (loose.length || item.message) {
      var card = document.createElement("div");
      card.className = "card"; card.setAttribute("role", "alert"); card.setAttribute("data-client-errors", ""); card.setAttribute("data-testid", "form-errors");
      var list = document.createElement("ul");
      list.className = "errorlist";
      (loose.length ? loose : [item.message]).forEach(function (message) { var li = document.createElement("li"); li.textContent = message; list.appendChild(li); });
      card.appendChild(list);
      draft.insertBefore(card, draft.firstChild);
      first = card;
    }
    if (first && first.scrollIntoView) { first.scrollIntoView({ block: "center" }); }
  }
  // what became of this survey's item in the outbox
  function settle(item) {
    if (!item || leaving) { return; }
    var answer = item.answer || {};
    if (item.status === "sent") {
      // accepted: only now is the local copy obsolete
      leaving = true;
      store.remove(key); store.remove(pendingKey);
      location.assign((answer.body && answer.body.url) || location.href);
      return;
    }
    if (item.status === "sending") { return; }
    setBusy(false);
    if (item.status === "refused") {
      // the server refused the content: its messages on the form; the copy stays, the outbox lets it go
      store.remove(pendingKey);
      hideNotice();
      showErrors(item);
      outbox.remove(item.id);
    } else if (item.status === "conflict") {
      showNotice("conflict", item.message);
    } else if (answer.state === "login") {
      // the session ended: the copy, the pending mark and the outbox item stay; after logging in the form opens again, restored
      leaving = true;
      location.assign(loginPath + "?next=" + encodeURIComponent(location.pathname));
    } else if (answer.state === "failed") {
      showNotice("failed", answer.status ? "(HTTP " + answer.status + ")" : "");
    } else {
      showNotice("offline");  // no answer at all: no signal (or it dropped mid-way)
    }
  }
  function fields() {
    var data = {};
    new FormData(draft).forEach(function (value, name) { if (typeof value === "string") { data[name] = value; } });
    return data;
  }
  function send() {
    if (busy) { return; }
    setBusy(true);
    clearErrors();
    var submitKey = draft.elements.namedItem("submit_key");
    if (submitKey && !submitKey.value) { submitKey.value = newKey(); }  // one key per survey until it is accepted
    var captured = draft.elements.namedItem("device_captured_at");
    if (captured) { captured.value = iso(); }  // the phone's clock at the tap
    save();
    store.set(pendingKey, iso());
    showNotice("sending");
    var data = fields();
    keeping.then(function () { return outbox.put({
      slot: slot, kind: "survey", url: draft.action, label: draft.getAttribute("data-label") || document.title, page: location.pathname,
      key: submitKey ? submitKey.value : undefined, keyField: "submit_key", fields: data
    }); }).then(function () {
      return outbox.flush();
    }, function (error) {
      // the phone refused to store it (storage full or blocked): post the form as without JavaScript (the local copy stays)
      leaving = true;
      HTMLFormElement.prototype.submit.call(draft);
      throw error;
    }).then(function () {
      return outbox.list();
    }).then(function (items) {
      var mine = items.filter(function (i) { return i.slot === slot; }), item = mine.length ? mine[mine.length - 1] : null;
      if (item && item.status === "waiting" && !item.answer) {
        // not tried: an item before it (a photo) stopped the queue; the server's login, or no signal
        var blocked = items.filter(function (i) { return i.status === "waiting" && i.answer && i.answer.state === "login"; })[0];
        item.answer = blocked ? blocked.answer : { state: "offline" };
      }
      settle(item);
    }, function () {
      if (leaving) { return; }
      setBusy(false);
      showNotice("failed");
    });
  }
  draft.addEventListener("submit", function (event) {
    event.preventDefault();
    send();
  });
  if (againButton) { againButton.addEventListener("click", function () { send(); }); }
  // sent by the outbox meanwhile (the signal returned, the timer, another page): follow it here
  outbox.subscribe(function (item) {
    if (item.slot === slot && !busy && (item.status === "sent" || item.status === "conflict")) { settle(item); }
  });
  // tapped "submit" earlier but it never reached the server (page closed or reloaded since): say so
  if (store.get(pendingKey)) { showNotice("restored"); }
  outbox.get(slot).then(function (item) {
    if (item && item.status === "conflict") { showNotice("conflict", item.message); }
    else if (item && item.status === "refused") { store.remove(pendingKey); hideNotice(); showErrors(item); outbox.remove(item.id); }
  }).catch(function () { /* storage refused */ });
})();
