/* angsur field helpers (our own code): GPS position and time for survey forms and photos,
   and a local copy of the survey so a lost connection loses nothing.

   The survey form (form[data-draft-key]) keeps what is typed in localStorage and is sent with fetch:
   the local copy is removed only once the server has accepted the survey (it answers with a redirect).
   Without a connection the form stays on screen with a "not sent yet" notice and is sent again when
   the signal returns (the "online" event, a periodic retry, or the "Send again" button).
   Without JavaScript the form posts normally. */
(function () {
  "use strict";
  function setStatus(form, text) {
    form.querySelectorAll("[data-geo-status]").forEach(function (el) { el.textContent = text; });
  }
  function fill(form, coords) {
    var lat = form.querySelector("input[name=latitude]"), lon = form.querySelector("input[name=longitude]");
    if (lat && lon) { lat.value = coords.latitude.toFixed(6); lon.value = coords.longitude.toFixed(6); }
    var taken = form.querySelector("input[name=taken_at]");
    if (taken) { taken.value = new Date().toISOString(); }
    setStatus(form, "GPS: " + coords.latitude.toFixed(5) + ", " + coords.longitude.toFixed(5) + " (±" + Math.round(coords.accuracy || 0) + " m)");
  }
  function locate(form) {
    if (!navigator.geolocation) { setStatus(form, "GPS tidak tersedia / not available"); return; }
    navigator.geolocation.getCurrentPosition(function (p) { fill(form, p.coords); },
      function () { setStatus(form, "GPS ditolak / denied"); }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  document.querySelectorAll("form[data-geo-form]").forEach(function (form) {
    locate(form);
    form.addEventListener("submit", function () {
      var taken = form.querySelector("input[name=taken_at]");
      if (taken && !taken.value) { taken.value = new Date().toISOString(); }
    });
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
  try {
    var saved = JSON.parse(store.get(key) || "{}");
    if (saved && typeof saved === "object") { restore(saved); }
  } catch (e) { store.remove(key); }
  draft.addEventListener("input", save);
  draft.addEventListener("change", save);

  /* ---- sending with fetch: keep the copy until the server accepts ---- */
  if (!window.fetch || !window.FormData) { return; }  // old browser: plain form post, as without JS
  var notice = document.querySelector("[data-submit-notice]");
  var noticeText = notice && notice.querySelector("[data-submit-notice-text]");
  var againButton = notice && notice.querySelector("[data-send-again]");
  var buttons = draft.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  var loginPath = draft.getAttribute("data-login-url") || "";
  var busy = false, waitingForSignal = false, retryTimer = null;
  var TIMEOUT_MS = 60000, RETRY_MS = 30000;

  function showNotice(state, status) {
    if (!notice) { return; }
    var text = notice.getAttribute("data-msg-" + state) || "";
    if (status) { text += " (HTTP " + status + ")"; }
    noticeText.textContent = text;
    notice.setAttribute("data-state", state);
    notice.hidden = false;
    if (againButton) { againButton.hidden = state === "sending"; againButton.disabled = busy; }
    if (state !== "sending" && notice.scrollIntoView) { notice.scrollIntoView({ block: "center" }); }
  }
  function setBusy(value) {
    busy = value;
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = value; });
    if (againButton) { againButton.disabled = value; }
    draft.setAttribute("aria-busy", value ? "true" : "false");
  }
  // Show the server's page as a normal form post would have: same HTML, same address.
  function render(html, url) {
    if (url && url !== location.href) { history.replaceState(null, "", url); }
    document.open();
    document.write(html);
    document.close();
  }
  function scheduleRetry() {
    if (retryTimer) { clearTimeout(retryTimer); }
    retryTimer = setTimeout(function () { retryTimer = null; if (waitingForSignal) { send(); } }, RETRY_MS);
  }
  function notSent(state, status) {
    setBusy(false);
    waitingForSignal = state === "offline";
    if (waitingForSignal) { scheduleRetry(); }
    showNotice(state, status);
  }
  function answered(response, html) {
    var url = new URL(response.url || location.href, location.href);
    var sameOrigin = url.origin === location.origin;
    var toLogin = loginPath && url.pathname === loginPath;
    waitingForSignal = false;
    if (response.redirected && sameOrigin && !toLogin && url.pathname !== location.pathname) {
      // accepted: the server sent us on (to the application). Only now is the local copy obsolete.
      store.remove(key); store.remove(pendingKey);
      render(html, url.href);
    } else if (response.redirected && sameOrigin && toLogin) {
      // the session ended: keep the copy and the pending mark; after logging in the form opens again, restored
      render(html, url.href);
    } else if (response.status === 400 && !response.redirected) {
      // the server refused the content (its form with the messages): show it; the copy stays
      store.remove(pendingKey);
      render(html, null);
    } else {
      notSent("failed", response.status);
    }
  }
  function send() {
    if (busy) { return; }
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    save();
    store.set(pendingKey, new Date().toISOString());
    var body = new FormData(draft);
    setBusy(true);
    showNotice("sending");
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    fetch(draft.action, {
      method: "POST", body: body, credentials: "same-origin", cache: "no-store",
      headers: { "Accept": "text/html" }, signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.text().then(function (html) { return { response: response, html: html }; });
    }).then(function (result) {
      if (timer) { clearTimeout(timer); }
      answered(result.response, result.html);
    }, function () {
      if (timer) { clearTimeout(timer); }
      notSent("offline");  // no answer at all: no signal (or it dropped mid-way)
    });
  }
  draft.addEventListener("submit", function (event) {
    event.preventDefault();
    send();
  });
  if (againButton) { againButton.addEventListener("click", function () { send(); }); }
  window.addEventListener("online", function () { if (waitingForSignal && document.contains(draft)) { send(); } });
  // tapped "submit" earlier but it never reached the server (page closed or reloaded since): say so
  if (store.get(pendingKey)) { showNotice("restored"); }
})();
