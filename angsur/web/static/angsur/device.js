/* What angsur keeps on the phone, and when it goes (our own code; README, "Offline field work").

   - Registers the service worker (/sw.js): the shell's files and the last copy of the field screens the
     user opened (home, survey, quote screen), and of the surveys the home page lists as due (at most ten),
     so they open without signal.
   - The phone's copies belong to one user: when a page of another user, or the login page (logged out, or
     the session ended), appears, the kept screens are deleted. The outbox (outbox.js) and the survey's
     local copy (field.js) are per user and kept through the end of a session, because they hold work not
     sent yet; another user's pages never open them.
   - Logging out deletes everything this user left on the phone: kept screens, outbox, local copies (keys
     "angsur-u<id>-…"). If the outbox still holds work not sent, the user is asked first (it would be lost).
     Another user's work not sent yet (their session ended without a logout) is left for them.
   - Without signal a banner says so: the page is the phone's copy, and what is sent waits in the outbox.
   - The offline page lists the screens kept on this phone. */
(function () {
  "use strict";
  var body = document.body;
  if (!body) { return; }
  var user = body.getAttribute("data-device-user") || "";
  var OWNER = "angsur-device-user", PAGES = "angsur-pages";
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* refused */ } },
    remove: function (k) { try { localStorage.removeItem(k); } catch (e) { /* refused */ } }
  };
  var sw = "serviceWorker" in navigator ? navigator.serviceWorker : null;

  function forgetScreens() {
    var done = window.caches ? caches.delete(PAGES).catch(function () { return false; }) : Promise.resolve(false);
    if (sw && sw.controller) { sw.controller.postMessage({ type: "forget" }); }
    return done;
  }
  // this user's local copies only (angsur-u<id>-…): another user's work not sent yet stays for them
  function forgetLocalCopies() {
    var mine = "angsur-u" + user + "-";
    try {
      Object.keys(localStorage).filter(function (k) { return k.indexOf(mine) === 0; }).forEach(function (k) { localStorage.removeItem(k); });
    } catch (e) { /* refused */ }
    try { sessionStorage.clear(); } catch (e) { /* refused */ }
  }

  // the offline page is cached for whoever uses the phone: it says nothing about who used it last
  if (!body.hasAttribute("data-offline-page")) {
    var previous = store.get(OWNER);
    if (previous !== user) {
      if (previous !== null) { forgetScreens(); }
      if (user) { store.set(OWNER, user); } else { store.remove(OWNER); }
    }
  }

  // Only field staff get the worker: an analyst's or a manager's home lists other people's applications and
  // has no reason to stay on a device. A worker left by a field user is removed for anyone else.
  var FIELD_ROLES = ["cmo", "marketing_supervisor", "marketing_head", "collector", "remedial"];
  var fieldUser = user && FIELD_ROLES.indexOf(body.getAttribute("data-device-role") || "") >= 0;
  if (sw && fieldUser && window.isSecureContext) {
    sw.register("/sw.js", { scope: "/" }).then(function () { return sw.ready; }).then(function (registration) {
      // this screen was opened before the worker controlled the page (the first visit, or while it was
      // installing): ask it to keep the screen now (it keeps field screens only)
      // and the surveys this page links to (the home page's surveys due): the user's open work, ready for the road
      var paths = [location.pathname];
      document.querySelectorAll("a[href^='/surveys/']").forEach(function (a) {
        var path = new URL(a.href, location.href).pathname;
        if (paths.indexOf(path) < 0 && paths.length < 11) { paths.push(path); }
      });
      return caches.open(PAGES).then(function (cache) {
        return Promise.all(paths.map(function (path) {
          return cache.match(path).then(function (kept) {
            if (!kept && registration.active && navigator.onLine !== false) { registration.active.postMessage({ type: "keep", url: path }); }
          });
        }));
      });
    }).catch(function () { /* no worker: the app works online as before */ });
  } else if (sw && user && !fieldUser && sw.getRegistrations) {
    sw.getRegistrations().then(function (registrations) {
      registrations.forEach(function (registration) { registration.unregister(); });
      if (registrations.length) { forgetScreens(); }
    }).catch(function () { /* nothing registered */ });
  }

  /* ---- logout: what this user left on the phone goes with them ---- */
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    var clearing = false;
    form.addEventListener("submit", function (event) {
      if (clearing) { return; }
      event.preventDefault();
      var outbox = window.AngsurOutbox;
      var count = outbox ? outbox.list().then(function (items) {
        return items.filter(function (i) { return i.status !== "sent"; }).length;
      }).catch(function () { return 0; }) : Promise.resolve(0);
      count.then(function (unsent) {
        if (unsent > 0 && !window.confirm((form.getAttribute("data-msg-unsent") || "") + " (" + unsent + ")")) { return; }
        clearing = true;
        return Promise.all([outbox ? outbox.wipe() : null, forgetScreens()]).catch(function () { /* go on */ }).then(function () {
          forgetLocalCopies();
          store.remove(OWNER);
          form.submit();
        });
      });
    });
  });

  /* ---- without signal ---- */
  var banner = document.querySelector("[data-offline-banner]");
  function showSignal() { if (banner) { banner.hidden = navigator.onLine !== false; } }
  window.addEventListener("online", showSignal);
  window.addEventListener("offline", showSignal);
  showSignal();

  /* ---- the offline page: the screens kept on this phone ---- */
  var listing = document.querySelector("[data-offline-screens]");
  if (listing && window.caches) {
    caches.open(PAGES).then(function (cache) { return cache.keys(); }).then(function (keys) {
      var none = document.querySelector("[data-offline-none]");
      keys.forEach(function (request) {
        var path = new URL(request.url).pathname, label;
        if (path === "/") { label = listing.getAttribute("data-label-home"); }
        else if (path.indexOf("/surveys/") === 0) { label = listing.getAttribute("data-label-survey") + " #" + path.split("/")[2]; }
        else if (path.indexOf("/quotes/") === 0) { label = listing.getAttribute("data-label-quote"); }
        else { label = path; }
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = path; a.textContent = label;
        li.appendChild(a); listing.appendChild(li);
      });
      if (none) { none.hidden = keys.length > 0; }
    }).catch(function () { /* nothing kept */ });
  }
})();
