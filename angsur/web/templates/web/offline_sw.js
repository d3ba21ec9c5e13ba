{% autoescape off %}/* angsur's service worker (our own code; served by angsur/web/offline.py at /sw.js, scope "/").

   - The shell's static files are cached when the worker installs (cache "angsur-static-<version>") and
     answered from that cache first; a new deployment (new files) brings a new version and drops the old.
   - The field screens (CMO home, survey, quote screen) are fetched from the network first; the last copy
     of each is kept in "angsur-pages" (at most {{ max_screens }}) and answered when there is no signal.
     A screen never opened on this phone answers the small offline page instead.
   - The unlock screen (/device/unlock/) is cached at install too: without signal it opens the work kept,
     encrypted, on this phone (device.js). It holds no personal data.
   - Nothing else is cached: no API answer, no document, no photo, no other page, no key.
   The copies in "angsur-pages" are the user's own open work: device.js deletes them at logout, when
   another user's page or the login page appears (the session ended), and they are never kept for a page
   that answered anything but 200 (a redirect to the login, an error). Posts are never touched: the outbox
   (outbox.js) sends them itself. */
"use strict";
var VERSION = "{{ version }}";
var STATIC_CACHE = "angsur-static-" + VERSION;
var PAGES_CACHE = "angsur-pages";
var OFFLINE_URL = "/offline/";
var ASSETS = {{ assets_json }};  // the shell's files, the offline page and the unlock screen
var SCREENS = {{ screens_json }}.map(function (source) { return new RegExp(source); });
var MAX_SCREENS = {{ max_screens }};

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
  }).then(function () { return self.clients.claim(); }));
});

function keep(request, response) {
  // only a full, direct answer of the screen itself (not a redirect to the login, not an error)
  if (!response || response.status !== 200 || response.type !== "basic" || response.redirected) { return Promise.resolve(); }
  if ((response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) { return Promise.resolve(); }
  var url = new URL(request.url);
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.delete(url.pathname).then(function () { return cache.put(url.pathname, response); }).then(function () {
      return cache.keys();
    }).then(function (keys) {
      // oldest first (insertion order): keep at most MAX_SCREENS
      return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_SCREENS)).map(function (k) { return cache.delete(k); }));
    });
  });
}

function cachedScreen(request) {
  var url = new URL(request.url);
  return caches.open(PAGES_CACHE).then(function (cache) { return cache.match(url.pathname); }).then(function (hit) {
    return hit || caches.match(OFFLINE_URL);
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
