{% autoescape off %}/* angsur's service worker (our own code; served by angsur/web/offline.py at /sw.js, scope "/").

   - The shell's static files are cached when the worker installs (cache "angsur-static-<version>") and
     answered from that cache first; a new deployment (new files) brings a new version and drops the old.
   - The field screens (CMO home, survey, quote screen) are fetched from the network first; the last copy
     of each is kept in "angsur-pages" (at most {{ max_screens }}) and answered when there is no signal.
     A screen never opened on this phone answers the small offline page instead.
   - The unlock screen (/device/unlock/) is cached at install too: without signal it opens the work kept,
     encrypted, on this phone (device.js). It holds no personal data.
   - Nothing else is cached: no API answer, no document, no photo, no other page, no key.
   The copies in "angsur-pages" are the user's own open work, kept ENCRYPTED (AES-GCM) under the user's
   data key, which the worker opens the way the pages do (device.js): the session's secret in the cookie
   "angsur_unlock" (read with cookieStore) unwraps the session's copy in IndexedDB "angsur-keys". Without
   that session (another user, the session ended, the phone restarted) a kept screen is not readable: the
   worker answers the unlock screen, and keeps nothing where it has no key (a browser without cookieStore
   keeps no screen). device.js also deletes them at logout and when another user's page or the login page
   appears; they are never kept for a page that answered anything but 200 (a redirect to the login, an
   error). Posts are never touched: the outbox (outbox.js) sends them itself. */
"use strict";
var VERSION = "{{ version }}";
var STATIC_CACHE = "angsur-static-" + VERSION;
var PAGES_CACHE = "angsur-pages";
var OFFLINE_URL = "/offline/";
var ASSETS = {{ assets_json }};  // the shell's files, the offline page and the unlock screen
var SCREENS = {{ screens_json }}.map(function (source) { return new RegExp(source); });
var MAX_SCREENS = {{ max_screens }};

var UNLOCK_URL = "/device/unlock/";
var IDLE_MS = 8 * 3600 * 1000;  // as device.js: the server's session (8 idle hours by default)
var SEALED_HEADER = "X-Angsur-Sealed";
var encoder = new TextEncoder();

function unb64(text) {
  var s = atob(text), a = new Uint8Array(s.length);
  for (var i = 0; i < s.length; i += 1) { a[i] = s.charCodeAt(i); }
  return a;
}
function b64(bytes) { return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes))); }
function keyRecord(user) {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open("angsur-keys", 1);
    request.onupgradeneeded = function () {  // as device.js makes it
      request.result.createObjectStore("users", { keyPath: "user" });
      request.result.createObjectStore("meta", { keyPath: "name" });
    };
    request.onerror = function () { reject(request.error); };
    request.onsuccess = function () {
      var db = request.result, get = db.transaction("users").objectStore("users").get(user);
      get.onsuccess = function () { db.close(); resolve(get.result); };
      get.onerror = function () { db.close(); reject(get.error); };
    };
  });
}
// the data key of the user whose session this browser holds now, or null (none, ended, idle, no cookieStore)
function sessionKey() {
  if (!self.cookieStore || !self.crypto || !crypto.subtle) { return Promise.resolve(null); }
  return cookieStore.get("angsur_unlock").then(function (cookie) {
    if (!cookie) { return null; }
    var parts = decodeURIComponent(cookie.value).split("."), user = parts[0];
    return keyRecord(user).then(function (rec) {
      if (!rec || !rec.session || Date.now() - (rec.seen || 0) > IDLE_MS) { return null; }
      return crypto.subtle.importKey("raw", unb64(parts[1] || ""), { name: "AES-GCM" }, false, ["decrypt"]).then(function (secret) {
        return crypto.subtle.decrypt({ name: "AES-GCM", iv: rec.session.iv, additionalData: encoder.encode("angsur|key|session|" + user) }, secret, rec.session.data);
      }).then(function (raw) {
        return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
      }).then(function (key) { return { user: user, key: key }; });
    });
  }).catch(function () { return null; });
}
function screenContext(user, path) { return encoder.encode("angsur|data|" + user + "|screen|" + path); }

function isScreen(url) {
  return url.origin === self.location.origin && !url.search && SCREENS.some(function (re) { return re.test(url.pathname); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("angsur-static-") === 0 && name !== STATIC_CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () {
    // screens an older worker kept in clear go
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.keys().then(function (keys) {
        return Promise.all(keys.map(function (k) {
          return cache.match(k).then(function (hit) { return hit && hit.headers.get(SEALED_HEADER) ? null : cache.delete(k); });
        }));
      });
    });
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  // only a full, direct answer of the screen itself (not a redirect to the login, not an error)
  if (!response || response.status !== 200 || response.type !== "basic" || response.redirected) { return Promise.resolve(); }
  if ((response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) { return Promise.resolve(); }
  var url = new URL(request.url), path = url.pathname;
  return sessionKey().then(function (session) {
    if (!session) { return null; }  // no key here: nothing is kept in clear
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return response.arrayBuffer().then(function (body) {
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: screenContext(session.user, path) }, session.key, body);
    }).then(function (sealed) {
      var headers = new Headers(response.headers);
      headers.delete("Content-Length");
      headers.set(SEALED_HEADER, session.user + ":" + b64(iv));
      return new Response(sealed, { status: 200, headers: headers });
    });
  }).then(function (sealed) {
    if (!sealed) { return null; }
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.delete(path).then(function () { return cache.put(path, sealed); }).then(function () {
        return cache.keys();
      }).then(function (keys) {
        // oldest first (insertion order): keep at most MAX_SCREENS
        return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_SCREENS)).map(function (k) { return cache.delete(k); }));
      });
    });
  });
}

function cachedScreen(request) {
  var path = new URL(request.url).pathname;
  var unlock = function () { return Response.redirect(UNLOCK_URL + "?next=" + encodeURIComponent(path), 302); };
  return caches.open(PAGES_CACHE).then(function (cache) { return cache.match(path); }).then(function (hit) {
    var sealed = hit && hit.headers.get(SEALED_HEADER);
    if (!sealed) { return caches.match(OFFLINE_URL); }  // never opened here (or kept in clear by an older worker: not shown)
    var owner = sealed.split(":")[0], iv = unb64(sealed.split(":")[1] || "");
    return sessionKey().then(function (session) {
      // another user's session, or none: the unlock screen (the kept screen stays sealed)
      if (!session || session.user !== owner) { return unlock(); }
      return hit.arrayBuffer().then(function (body) {
        return crypto.subtle.decrypt({ name: "AES-GCM", iv: iv, additionalData: screenContext(owner, path) }, session.key, body);
      }).then(function (page) {
        var headers = new Headers(hit.headers);
        headers.delete(SEALED_HEADER);
        headers.delete("Content-Length");
        // marked as the kept copy: the page shows its "no signal" banner from this (a document opened while
        // offline may still read navigator.onLine as true in Chromium)
        var html = new TextDecoder().decode(page).replace("<body", "<body data-kept-copy");
        return new Response(html, { status: 200, headers: headers });
      });
    }).catch(unlock);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") { return; }
  if (isScreen(url)) {
    event.respondWith(fetch(request).then(function (response) {
      var copy = response.clone();
      event.waitUntil(keep(request, copy));
      return response;
    }, function () { return cachedScreen(request); }));
    return;
  }
  // another page: the network, or without signal the same page if it is one of ours cached at install (the
  // unlock screen), else the offline page
  event.respondWith(fetch(request).catch(function () {
    var own = ASSETS.indexOf(url.pathname) >= 0 ? caches.match(url.pathname) : Promise.resolve(null);
    return own.then(function (hit) { return hit || caches.match(OFFLINE_URL); });
  }));
});

// device.js: "keep" the screen just opened (the first visit happened before this worker controlled the page);
// "forget" every kept screen (logout, another user, the session ended).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep" && typeof data.url === "string") {
    var url = new URL(data.url, self.location.origin);
    if (isScreen(url)) {
      event.waitUntil(fetch(url.pathname, { credentials: "same-origin", redirect: "follow" }).then(function (response) {
        return keep(new Request(url.pathname), response);
      }).catch(function () { /* no signal: kept at the next visit */ }));
    }
  } else if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});
{% endautoescape %}
