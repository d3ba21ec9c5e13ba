/* What angsur keeps on the phone, and when it goes (our own code; README, "Offline field work").

   - Registers the service worker (/sw.js): the shell's files and the last copy of the field screens the
     user opened (home, survey, quote screen), and of the surveys the home page lists as due (at most ten),
     so they open without signal. The worker keeps those copies encrypted with the same data key as below.
   - The phone's copies belong to one user: when a page of another user, or the login page (logged out, or
     the session ended), appears, the kept screens are deleted.
   - Work not sent yet (the outbox, outbox.js; the survey's local copy, field.js) is kept ENCRYPTED
     (AES-GCM, 256-bit) under the user's own data key, made on this phone. The data key is never stored
     in clear: it is kept wrapped (AES-GCM) three ways, in IndexedDB "angsur-keys":
       byPassword  under a key derived from the user's password (PBKDF2-SHA-256, 600,000 iterations, a salt
                   of this phone and the username): derived by the login page before it posts the password,
                   and by the unlock screen (/device/unlock/) without signal;
       byServer    under a per-user key the server derives from its secret (GET /device/key/, the user's
                   own session only): opens the work online after a password change;
       session     under a random secret held in a session cookie (angsur_unlock, gone when the browser
                   closes, like the login's) and dropped after 8 idle hours, at logout, when another user's
                   page or the login page appears: what lets the pages of one session open the work.
     Another user of the phone has none of these for the first user's work; neither has anyone holding the
     phone after the session ended. After the session ended without signal (the phone restarted in a
     village), a field page sends the user to the unlock screen: username and password open the work again.
   - Logging out deletes the kept screens and this session's key; the work not sent yet stays on the phone,
     encrypted, and is sent when the user logs in again (nothing typed is lost at a logout).
   - Without signal a banner says so: the page is the phone's copy, and what is sent waits in the outbox.
   - The offline page lists the screens kept on this phone.

   AngsurDevice (for outbox.js and field.js):
     available                    WebCrypto and IndexedDB are there (a secure context): work may be kept
     key()          -> Promise<CryptoKey>  this user's data key (non-extractable); rejects when locked
     seal(bytes, context)   -> Promise<{iv, data}>   AES-GCM, bound to this user and `context` (AAD)
     open(box, context)     -> Promise<ArrayBuffer>  rejects when tampered with, or another key/context
     sealText(text, context) -> Promise<string>      "angsur-sealed:1:<iv>:<data>" (base64), for localStorage
     openText(text, context) -> Promise<string>
     isSealed(text)                                  */
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
  var FIELD_ROLES = ["cmo", "marketing_supervisor", "marketing_head", "collector", "remedial"];
  var fieldUser = user && FIELD_ROLES.indexOf(body.getAttribute("data-device-role") || "") >= 0;
  var loginPage = !!document.querySelector("form[data-device-login]");
  var unlockPage = !!document.querySelector("form[data-device-unlock]");

  /* ---- the data key (see the header): kept wrapped, opened for one session ---- */
  var subtle = window.isSecureContext && window.crypto && crypto.subtle && window.indexedDB && window.TextEncoder ? crypto.subtle : null;
  var ITERATIONS = 600000;               // PBKDF2-SHA-256 (OWASP 2023: 600,000)
  var IDLE_MS = 8 * 3600 * 1000;         // the server's session: DJANGO_SESSION_COOKIE_AGE, 8 hours by default
  var KEYS_DB = "angsur-keys", USERS = "users", META = "meta";
  var COOKIE = "angsur_unlock", PENDING = "angsur-login-key", SEALED = "angsur-sealed:1:";
  var encoder = subtle ? new TextEncoder() : null, decoder = subtle ? new TextDecoder() : null;
  var lockedError = new Error("locked: this user's work on the phone needs their password");
  lockedError.locked = true;

  function b64(bytes) {
    var a = new Uint8Array(bytes), s = "";
    for (var i = 0; i < a.length; i += 0x8000) { s += String.fromCharCode.apply(null, a.subarray(i, i + 0x8000)); }
    return btoa(s);
  }
  function unb64(text) {
    var s = atob(text), a = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i += 1) { a[i] = s.charCodeAt(i); }
    return a;
  }
  function random(n) { return crypto.getRandomValues(new Uint8Array(n)); }
  function same(a, b) {
    if (!a || !b) { return false; }
    a = new Uint8Array(a); b = new Uint8Array(b);
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i += 1) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  function concat(parts) {
    var size = parts.reduce(function (n, p) { return n + p.byteLength; }, 0), out = new Uint8Array(size), at = 0;
    parts.forEach(function (p) { out.set(new Uint8Array(p), at); at += p.byteLength; });
    return out;
  }

  var keysDbPromise = null;
  function keysDb() {
    if (!keysDbPromise) {
      keysDbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(KEYS_DB, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(USERS, { keyPath: "user" });
          request.result.createObjectStore(META, { keyPath: "name" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return keysDbPromise;
  }
  // one request in one transaction (never anything asynchronous inside: the transaction would end)
  function keysReq(storeName, mode, make) {
    return keysDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(storeName, mode), r = make(t.objectStore(storeName)), result;
        r.onsuccess = function () { result = r.result; };
        t.oncomplete = function () { resolve(result); };
        t.onerror = t.onabort = function () { reject(t.error || r.error); };
      });
    });
  }
  function record(u) { return keysReq(USERS, "readonly", function (s) { return s.get(u); }); }
  function records() { return keysReq(USERS, "readonly", function (s) { return s.getAll(); }); }
  function keep(rec) { return keysReq(USERS, "readwrite", function (s) { return s.put(rec); }); }
  // a salt of this phone (not secret) and the username: the same password gives another key on another phone
  function deviceSalt() {
    return keysReq(META, "readonly", function (s) { return s.get("device"); }).then(function (meta) {
      if (meta) { return meta.salt; }
      var salt = random(16);
      return keysReq(META, "readwrite", function (s) { return s.add({ name: "device", salt: salt }); }).then(function () { return salt; }, function () {
        return keysReq(META, "readonly", function (s) { return s.get("device"); }).then(function (m) { return m.salt; });  // another tab made it first
      });
    });
  }
  function loginSalt(username) {
    return deviceSalt().then(function (salt) {
      return subtle.digest("SHA-256", concat([encoder.encode("angsur-device-key|"), salt, encoder.encode("|" + username.trim().toLowerCase())]));
    }).then(function (digest) { return new Uint8Array(digest); });
  }
  function derive(password, salt, iterations) {
    return subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]).then(function (material) {
      return subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: iterations }, material, 256);
    }).then(function (bits) { return new Uint8Array(bits); });
  }
  function aes(raw) { return subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]); }
  function aad(text) { return encoder.encode("angsur|" + text); }
  function sealWith(key, bytes, context) {
    var iv = random(12);
    return subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: aad(context) }, key, bytes).then(function (data) { return { iv: iv, data: data }; });
  }
  function openWith(key, box, context) {
    return subtle.decrypt({ name: "AES-GCM", iv: box.iv, additionalData: aad(context) }, key, box.data);
  }
  function wrap(kekRaw, raw, how, u) { return aes(kekRaw).then(function (kek) { return sealWith(kek, raw, "key|" + how + "|" + u); }); }
  function unwrap(kekRaw, box, how, u) {
    return aes(kekRaw).then(function (kek) { return openWith(kek, box, "key|" + how + "|" + u); }).then(function (raw) { return new Uint8Array(raw); });
  }

  function readCookie() {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + COOKIE + "=([^;]+)"));
    if (!match) { return null; }
    var parts = decodeURIComponent(match[1]).split(".");
    try { return { user: parts[0], secret: unb64(parts[1] || "") }; } catch (e) { return null; }
  }
  function writeCookie(u, secret) {
    // a session cookie (no expiry): it goes when the browser closes, as the login's does
    document.cookie = COOKIE + "=" + encodeURIComponent(u + "." + b64(secret)) + "; path=/; SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "");
  }
  function dropCookie() { document.cookie = COOKIE + "=; path=/; max-age=0; SameSite=Strict"; }

  // the session's copy of every user but `keepUser` goes (their session has ended: another user, or nobody, is here)
  function endSessions(keepUser) {
    if (!subtle) { return Promise.resolve(); }
    var cookie = readCookie();
    if (cookie && cookie.user !== keepUser) { dropCookie(); }
    return records().then(function (list) {
      return Promise.all(list.filter(function (r) { return r.user !== keepUser && r.session; }).map(function (r) {
        delete r.session; delete r.seen;
        return keep(r);
      }));
    }).catch(function () { /* nothing kept */ });
  }

  // the server's key for this user: current and previous secrets (a rotated SECRET_KEY keeps its fallbacks)
  function serverKeys() {
    // a weak signal must not hold the page's work back for long: after 8 s, as without signal
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 8000) : null;
    return fetch("/device/key/", {
      credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }, signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (timer) { clearTimeout(timer); }
      if (!response.ok || (response.headers.get("Content-Type") || "").indexOf("application/json") !== 0) { return []; }
      return response.json().then(function (answer) {
        if (String(answer.user) !== user) { return []; }
        return [answer.key].concat(answer.previous || []).map(unb64);
      });
    }).catch(function () { return []; });  // no signal
  }
  function firstOpening(kekList, box, how) {
    var n = 0;
    function next() {
      if (!box || n >= kekList.length) { return Promise.resolve(null); }
      var kek = kekList[n]; n += 1;
      return unwrap(kek, box, how, user).catch(next);
    }
    return next();
  }
  // The password's key the login page derived: read here, and dropped only once this page has kept the data
  // key under it (or found it locked). A page left before then (the user tapped on while the server's key was
  // still coming) leaves it to the next page of the tab: otherwise the phone would keep no copy under the
  // password, and without signal the unlock screen would refuse the right password.
  function readPending() {
    try {
      var text = sessionStorage.getItem(PENDING);
      if (!text) { return null; }
      var p = JSON.parse(text);
      return { salt: unb64(p.salt), bits: unb64(p.bits), iterations: p.iterations };
    } catch (e) { return null; }
  }
  function dropPending() { try { sessionStorage.removeItem(PENDING); } catch (e) { /* refused */ } }

  // This page's user: open their data key from this session, from the password just typed at the login, or
  // from the server; a user new on this phone gets one. Rejects (locked) when none of these opens it.
  function unlock() {
    var pending = readPending(), cookie = readCookie(), now = Date.now();
    return record(user).then(function (rec) {
      var fromSession = rec && rec.session && cookie && cookie.user === user && now - (rec.seen || 0) < IDLE_MS
        ? unwrap(cookie.secret, rec.session, "session", user).catch(function () { return null; }) : Promise.resolve(null);
      return fromSession.then(function (raw) {
        if (raw || !pending || !rec || !same(rec.salt, pending.salt)) { return raw; }
        return unwrap(pending.bits, rec.byPassword, "password", user).catch(function () { return null; });
      }).then(function (raw) {
        var ask = !raw || !rec || !rec.byServer;
        return (ask ? serverKeys() : Promise.resolve([])).then(function (keys) {
          return (raw ? Promise.resolve(raw) : firstOpening(keys, rec && rec.byServer, "server")).then(function (opened) {
            if (!opened && rec && (rec.byPassword || rec.byServer)) { throw lockedError; }
            // first use on this phone (or a key that nothing can open any more): a new data key
            return settle(rec, opened || random(32), pending, keys[0], cookie);
          });
        });
      });
    }).then(function (key) { dropPending(); return key; }, function (error) {
      if (error === lockedError) { dropPending(); }
      throw error;
    });
  }
  // keep the data key wrapped for this session, for the password just typed and for the server; hand out a
  // non-extractable copy for this page
  function settle(rec, raw, pending, serverKey, cookie) {
    rec = rec || { user: user, created: new Date().toISOString() };
    var secret = cookie && cookie.user === user && cookie.secret.length === 32 ? cookie.secret : random(32);
    var jobs = [wrap(secret, raw, "session", user).then(function (box) { rec.session = box; rec.seen = Date.now(); })];
    if (pending) {
      jobs.push(wrap(pending.bits, raw, "password", user).then(function (box) { rec.byPassword = box; rec.salt = pending.salt; rec.iterations = pending.iterations; }));
    }
    if (serverKey) { jobs.push(wrap(serverKey, raw, "server", user).then(function (box) { rec.byServer = box; })); }
    return Promise.all(jobs).then(function () {
      writeCookie(user, secret);
      return keep(rec);
    }).then(function () {
      return subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    }).then(function (key) { raw.fill(0); return key; });
  }

  var keyPromise;
  if (!subtle) {
    keyPromise = Promise.reject(new Error("no WebCrypto here (not a secure context): nothing is kept on the phone"));
  } else if (user) {
    // one tab at a time makes a user's key (two tabs opened at once must not make two)
    keyPromise = endSessions(user).then(function () {
      return navigator.locks && navigator.locks.request ? navigator.locks.request("angsur-device-key-" + user, unlock) : unlock();
    });
  } else {
    keyPromise = Promise.reject(lockedError);
    if (loginPage) {
      // no session here: every user's session copy goes, and a password derived earlier that did not log in
      try { sessionStorage.removeItem(PENDING); } catch (e) { /* refused */ }
      endSessions(null);
    }
  }
  keyPromise.catch(function () { /* callers ask */ });

  function userContext(context) { return "data|" + user + "|" + context; }
  var device = window.AngsurDevice = {
    available: !!subtle && !!user,
    key: function () { return keyPromise; },
    seal: function (bytes, context) { return keyPromise.then(function (key) { return sealWith(key, bytes, userContext(context)); }); },
    open: function (box, context) { return keyPromise.then(function (key) { return openWith(key, box, userContext(context)); }); },
    sealText: function (text, context) {
      return device.seal(encoder.encode(text), context).then(function (box) { return SEALED + b64(box.iv) + ":" + b64(box.data); });
    },
    openText: function (text, context) {
      if (!device.isSealed(text)) { return Promise.reject(new Error("not sealed")); }
      var parts = text.slice(SEALED.length).split(":");
      return device.open({ iv: unb64(parts[0]), data: unb64(parts[1]) }, context).then(function (bytes) { return decoder.decode(bytes); });
    },
    isSealed: function (text) { return typeof text === "string" && text.indexOf(SEALED) === 0; }
  };

  /* ---- the login page: the password's key is derived here, before the password leaves the page ---- */
  document.querySelectorAll("form[data-device-login]").forEach(function (form) {
    var going = false;
    form.addEventListener("submit", function (event) {
      if (going) { return; }
      event.preventDefault();
      going = true;
      var username = form.elements.namedItem("username"), password = form.elements.namedItem("password");
      var post = function () { HTMLFormElement.prototype.submit.call(form); };
      if (!subtle || !username || !password || !password.value) { post(); return; }
      form.setAttribute("aria-busy", "true");
      var timer = setTimeout(post, 10000);  // a slow phone logs in anyway: the work opens from the server then
      loginSalt(username.value).then(function (salt) {
        return derive(password.value, salt, ITERATIONS).then(function (bits) {
          sessionStorage.setItem(PENDING, JSON.stringify({ salt: b64(salt), bits: b64(bits), iterations: ITERATIONS }));
        });
      }).catch(function () { /* no key this time: the server's opens the work */ }).then(function () {
        clearTimeout(timer);
        post();
      });
    });
  });

  /* ---- the unlock screen: without signal, username and password open the work kept on this phone ---- */
  document.querySelectorAll("form[data-device-unlock]").forEach(function (form) {
    var message = document.querySelector("[data-unlock-message]");
    function say(name) {
      if (!message) { return; }
      message.textContent = form.getAttribute("data-msg-" + name) || name;
      message.hidden = false;
    }
    function nextPath() {
      var next = new URLSearchParams(location.search).get("next") || "/";
      return next.charAt(0) === "/" && next.charAt(1) !== "/" && next.charAt(1) !== "\\" ? next : "/";
    }
    if (!subtle) { say("unavailable"); }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!subtle || form.getAttribute("aria-busy") === "true") { return; }
      var username = form.elements.namedItem("username").value, password = form.elements.namedItem("password").value;
      form.setAttribute("aria-busy", "true");
      say("busy");
      loginSalt(username).then(function (salt) {
        return records().then(function (list) {
          var mine = list.filter(function (r) { return r.byPassword && same(r.salt, salt); });
          if (!mine.length) { return null; }
          return derive(password, salt, mine[0].iterations || ITERATIONS).then(function (bits) {
            var n = 0;
            function next() {
              if (n >= mine.length) { return null; }
              var rec = mine[n]; n += 1;
              return unwrap(bits, rec.byPassword, "password", rec.user).then(function (raw) { return { rec: rec, raw: raw }; }, next);
            }
            return next();
          });
        });
      }).then(function (found) {
        if (!found) { form.setAttribute("aria-busy", "false"); say("wrong"); return; }
        var secret = random(32);
        return wrap(secret, found.raw, "session", found.rec.user).then(function (box) {
          found.raw.fill(0);
          found.rec.session = box; found.rec.seen = Date.now();
          return keep(found.rec);
        }).then(function () {
          return endSessions(found.rec.user);
        }).then(function () {
          writeCookie(found.rec.user, secret);
          location.replace(nextPath());
        });
      }).catch(function () { form.setAttribute("aria-busy", "false"); say("wrong"); });
    });
  });

  function forgetScreens() {
    var done = window.caches ? caches.delete(PAGES).catch(function () { return false; }) : Promise.resolve(false);
    if (sw && sw.controller) { sw.controller.postMessage({ type: "forget" }); }
    return done;
  }
  // this user's local copies (angsur-u<id>-…) that are still in clear (kept before they were encrypted):
  // sealed now, or deleted when they cannot be
  function sealLocalCopies() {
    var mine = "angsur-u" + user + "-", names = [];
    try { names = Object.keys(localStorage).filter(function (k) { return k.indexOf(mine) === 0 && !/:pending$/.test(k); }); } catch (e) { /* refused */ }
    return Promise.all(names.map(function (name) {
      var value = store.get(name);
      if (value === null || device.isSealed(value)) { return null; }
      return device.sealText(value, name).then(function (sealed) { store.set(name, sealed); }, function () { store.remove(name); });
    }));
  }

  // the offline page is cached for whoever uses the phone: it says nothing about who used it last
  if (!body.hasAttribute("data-offline-page") && !unlockPage) {
    var previous = store.get(OWNER);
    if (previous !== user) {
      if (previous !== null) { forgetScreens(); }
      if (user) { store.set(OWNER, user); } else { store.remove(OWNER); }
    }
  }

  // a field user's page whose work on the phone is locked (the session ended without signal): the unlock screen
  if (user && subtle) {
    keyPromise.then(function () { return sealLocalCopies(); }, function (error) {
      if (error === lockedError && fieldUser) {
        location.replace("/device/unlock/?next=" + encodeURIComponent(location.pathname));
      }
    });
  }

  // Only field staff get the worker: an analyst's or a manager's home lists other people's applications and
  // has no reason to stay on a device. A worker left by a field user is removed for anyone else.
  if (sw && fieldUser && window.isSecureContext) {
    // (once this page's key is settled: the worker keeps a screen only sealed with it)
    sw.register("/sw.js", { scope: "/" }).then(function () { return sw.ready; }).then(function (registration) {
      return keyPromise.then(function () { return registration; }, function () { return registration; });
    }).then(function (registration) {
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

  /* ---- logout: what this user can read on the phone goes with them; their unsent work stays, encrypted ---- */
  function localCopies() {
    var mine = "angsur-u" + user + "-";
    try { return Object.keys(localStorage).filter(function (k) { return k.indexOf(mine) === 0; }); } catch (e) { return []; }
  }
  function endOwnSession() {
    if (!subtle) { return Promise.resolve(); }
    dropCookie();
    return record(user).then(function (rec) {
      if (!rec) { return null; }
      delete rec.session; delete rec.seen;
      return keep(rec);
    }).catch(function () { /* nothing kept */ });
  }
  function forgetKey() {
    return subtle ? keysReq(USERS, "readwrite", function (s) { return s.delete(user); }).catch(function () { /* none */ }) : Promise.resolve();
  }
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    var clearing = false;
    form.addEventListener("submit", function (event) {
      if (clearing) { return; }
      event.preventDefault();
      clearing = true;
      var outbox = window.AngsurOutbox;
      var unsent = outbox ? outbox.list().then(function (items) {
        return items.filter(function (i) { return i.status !== "sent"; }).length;
      }).catch(function () { return 1; }) : Promise.resolve(0);
      var sealed = user && subtle ? keyPromise.then(sealLocalCopies).catch(function () { /* locked: already sealed */ }) : Promise.resolve();
      Promise.all([unsent, sealed]).then(function (results) {
        var open = results[0] + localCopies().filter(function (k) { return !/:pending$/.test(k); }).length;
        // nothing left to send: nothing of this user stays (outbox, key); otherwise it waits for them, encrypted
        var leftovers = open === 0 ? Promise.all([outbox ? outbox.wipe() : null, forgetKey()]).then(function () {
          localCopies().forEach(function (k) { store.remove(k); });
        }) : endOwnSession();
        return Promise.all([leftovers, forgetScreens()]);
      }).catch(function () { /* go on */ }).then(function () {
        try { sessionStorage.clear(); } catch (e) { /* refused */ }
        dropCookie();
        store.remove(OWNER);
        form.submit();
      });
    });
  });

  /* ---- without signal ---- */
  var banner = document.querySelector("[data-offline-banner]");
  // no signal, or this screen is the copy the service worker kept (it marks the body): the banner says so
  var keptCopy = document.body && document.body.hasAttribute("data-kept-copy");
  function showSignal() { if (banner) { banner.hidden = navigator.onLine !== false && !keptCopy; } }
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
