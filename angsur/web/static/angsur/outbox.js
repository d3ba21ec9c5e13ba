/* angsur's outbox (our own code): work done in the field is queued on the phone (IndexedDB) and sent in
   order when there is signal, each item with an idempotency key so a retry never records twice.

   The interface, for the survey today and for collection visits and contact logs next (README, "Offline
   field work"):

     AngsurOutbox.put({slot, kind, url, label, page, key, fields, files})  -> Promise<item>
         queue a POST to `url` (same origin). `fields` are strings, `files` are [{name, blob, filename}].
         `slot` names the work ("survey-12", "visit-7"): putting again into a slot that is not sent yet
         replaces its content, keeps its key and moves it to the end of the queue. `key` (optional) is the
         idempotency key; a fresh one is made otherwise. `page` is where the user fixes the item.
     AngsurOutbox.flush()          -> Promise: send what waits, oldest first; stops at the first item that
                                      finds no signal (or a server error), so the order is kept.
     AngsurOutbox.list()           -> Promise<[item]>  (oldest first)
     AngsurOutbox.get(slot)        -> Promise<item|null>
     AngsurOutbox.remove(id)       -> Promise
     AngsurOutbox.hold(slot)       the page that shows this slot sends it itself (not at page load)
     AngsurOutbox.subscribe(fn)    fn(item) after every change of an item
     AngsurOutbox.wipe()           -> Promise: delete this user's outbox (logout)

   The server side of a send: the request carries `Idempotency-Key: <key>` and `X-Angsur-Outbox: 1` and
   the key in the form field named by `keyField` (default "client_key"); the endpoint answers JSON:
   2xx {status: "accepted", replayed, url?, message?}; 400 {code, message, errors?} (refused: fix and
   send again); 403/404/409/410 {code, message} (a conflict: shown, never dropped); anything else, or
   no answer, leaves the item waiting.

   Item states: waiting → sending → sent | conflict | refused (→ waiting again when put anew). A sent item
   keeps only its label, key and times (what was sent is not kept on the phone); it is forgotten after a day.
   The outbox is per user (IndexedDB database "angsur-outbox-<user id>").

   Encrypted on the phone: what an item holds (label, fields, files, the server's answer) is stored only as
   AES-GCM ciphertext under the user's data key (device.js, AngsurDevice), bound to the item's key; its
   routing (slot, kind, url, page, key, status, times) stays in clear, so the queue's order and state are
   known without the key. The interface above hands out items in clear, to this user's pages only. Without
   the key (the session ended; another user's page) nothing can be read or sent: list() answers items
   marked `locked` with no label, fields or files. The outbox stays through a logout when something is not
   sent yet (device.js), and is deleted with the user's key when nothing waits. */
(function () {
  "use strict";
  var body = document.body;
  var user = body && body.getAttribute("data-device-user");
  var device = window.AngsurDevice;
  // nothing personal is kept in clear: without WebCrypto (not a secure context) there is no outbox (forms post as before)
  if (!user || !window.indexedDB || !device || !device.available) { return; }
  var DB_NAME = "angsur-outbox-" + user, STORE = "items";
  var SENT_KEPT_MS = 24 * 3600 * 1000, RETRY_FIRST_MS = 5000, RETRY_MS = 30000, TIMEOUT_MS = 60000;
  // retries while something waits: after 5 s, then doubling up to every 30 s (the browser's "online" event is
  // not enough: a screen opened without signal may never see it)
  var retryDelay = RETRY_FIRST_MS;
  var listeners = [], held = {}, flushing = null, dbPromise = null, retryTimer = null, wiped = false;

  function open() {
    if (wiped) { return Promise.reject(new Error("the outbox was deleted (logout)")); }
    if (dbPromise) { return dbPromise; }
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
        store.createIndex("slot", "slot", { unique: false });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return dbPromise;
  }
  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), result;
        Promise.resolve(work(store, function (value) { result = value; })).catch(reject);
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function req(r) { return new Promise(function (resolve, reject) { r.onsuccess = function () { resolve(r.result); }; r.onerror = function () { reject(r.error); }; }); }
  /* ---- sealing: an item's content and state as ciphertext, the rest in clear ---- */
  var CLEAR = ["id", "slot", "kind", "url", "page", "key", "keyField", "status", "created_at", "queued_at", "sent_at", "attempts"];
  var encoder = new TextEncoder(), decoder = new TextDecoder();
  var sealedContent = new WeakMap();  // item -> the ciphertext of its label, fields and files (sealed once)
  var opened = {};                    // id -> what its content ciphertext opened to (a photo is decrypted once)
  function ivText(box) { return Array.prototype.join.call(new Uint8Array(box.iv), "."); }
  function sealContent(item) {
    var files = item.files || [];
    return Promise.all(files.map(function (f) { return f.blob.arrayBuffer(); })).then(function (buffers) {
      var head = encoder.encode(JSON.stringify({
        label: item.label, fields: item.fields || {},
        files: files.map(function (f, n) { return { name: f.name, filename: f.filename, type: f.blob.type || "", size: buffers[n].byteLength }; })
      }));
      var size = new Uint8Array(4);
      new DataView(size.buffer).setUint32(0, head.byteLength);
      var parts = [size, head].concat(buffers), total = parts.reduce(function (n, p) { return n + p.byteLength; }, 0);
      var plain = new Uint8Array(total), at = 0;
      parts.forEach(function (p) { plain.set(new Uint8Array(p), at); at += p.byteLength; });
      return device.seal(plain, "outbox|" + item.key + "|content");
    });
  }
  function openContent(rec) {
    return device.open(rec.content, "outbox|" + rec.key + "|content").then(function (buffer) {
      var size = new DataView(buffer, 0, 4).getUint32(0), head = JSON.parse(decoder.decode(new Uint8Array(buffer, 4, size))), at = 4 + size;
      return {
        label: head.label, fields: head.fields,
        files: head.files.map(function (f) {
          var blob = new Blob([buffer.slice(at, at + f.size)], { type: f.type });
          at += f.size;
          return { name: f.name, blob: blob, filename: f.filename };
        })
      };
    });
  }
  function toRecord(item) {
    if (item.locked) { return Promise.reject(new Error("a locked item is never written back")); }
    var cached = sealedContent.get(item);
    var content = cached && cached.label === item.label && cached.fields === item.fields && cached.files === item.files
      ? Promise.resolve(cached.box)
      : sealContent(item).then(function (box) { sealedContent.set(item, { label: item.label, fields: item.fields, files: item.files, box: box }); return box; });
    var state = device.seal(encoder.encode(JSON.stringify({ message: item.message || "", errors: item.errors || null, answer: item.answer || null })), "outbox|" + item.key + "|state");
    return Promise.all([content, state]).then(function (boxes) {
      var rec = { v: 1, content: boxes[0], state: boxes[1] };
      CLEAR.forEach(function (name) { if (item[name] !== undefined) { rec[name] = item[name]; } });
      return rec;
    });
  }
  function fromRecord(rec) {
    if (rec.v !== 1) { var legacy = Object.assign({}, rec); legacy.legacy = true; return Promise.resolve(legacy); }  // kept in clear before: sealed at load
    var item = {};
    CLEAR.forEach(function (name) { item[name] = rec[name]; });
    var known = opened[rec.id], tag = ivText(rec.content);
    var content = known && known.tag === tag ? Promise.resolve(known) : openContent(rec).then(function (c) { c.tag = tag; opened[rec.id] = c; return c; });
    var state = device.open(rec.state, "outbox|" + rec.key + "|state").then(function (b) { return JSON.parse(decoder.decode(b)); });
    return Promise.all([content, state]).then(function (parts) {
      item.label = parts[0].label; item.fields = parts[0].fields; item.files = parts[0].files;
      item.message = parts[1].message; item.errors = parts[1].errors; item.answer = parts[1].answer;
      sealedContent.set(item, { label: item.label, fields: item.fields, files: item.files, box: rec.content });
      return item;
    }, function () {
      // no key for it (locked) or not this user's: its routing only
      item.locked = true; item.label = "\uD83D\uDD12 " + rec.slot; item.fields = {}; item.files = []; item.message = ""; item.errors = null; item.answer = null;
      return item;
    });
  }
  function records() { return tx("readonly", function (store, done) { return req(store.getAll()).then(done); }); }
  function all() { return records().then(function (list) { return Promise.all(list.map(fromRecord)); }); }
  function save(item) {
    return toRecord(item).then(function (rec) {
      return tx("readwrite", function (store, done) { return req(store.put(rec)).then(function (id) { item.id = id; done(item); }); });
    }).then(notify);
  }
  // items kept in clear by an earlier version of this page: sealed as soon as the key is there
  function sealLegacy() {
    return device.key().then(all).then(function (items) {
      return Promise.all(items.filter(function (i) { return i.legacy; }).map(function (i) { delete i.legacy; return save(i); }));
    });
  }
  function notify(item) { listeners.forEach(function (fn) { try { fn(item); } catch (e) { /* a listener's fault */ } }); return item; }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function now() { return new Date().toISOString(); }
  function quiet() { /* storage refused or deleted (logout): the item, if any, stays where it was */ }

  function get(slot) {
    return all().then(function (items) {
      var found = items.filter(function (i) { return i.slot === slot; });
      return found.length ? found[found.length - 1] : null;
    });
  }
  function put(spec) {
    return device.key().then(function () { return get(spec.slot); }).then(function (previous) {
      var reuse = previous && previous.status !== "sent" && !previous.locked;
      var item = {
        slot: spec.slot, kind: spec.kind || "form", url: spec.url, label: spec.label || spec.slot, page: spec.page || location.pathname,
        key: spec.key || (reuse && previous.key) || newKey(), keyField: spec.keyField || "client_key",
        fields: spec.fields || {}, files: spec.files || [], status: "waiting", created_at: (reuse && previous.created_at) || now(),
        queued_at: now(), sent_at: null, message: "", errors: null, answer: null, attempts: 0
      };
      return toRecord(item).then(function (rec) {
        return tx("readwrite", function (store, done) {
          // a new put moves the slot to the end of the queue (after the photos taken since)
          var drop = reuse ? req(store.delete(previous.id)) : Promise.resolve();
          return drop.then(function () { return req(store.add(rec)); }).then(function (id) { item.id = id; done(item); });
        });
      }).then(notify);
    });
  }
  function remove(id) {
    delete opened[id];
    return tx("readwrite", function (store) { return req(store.delete(id)); }).then(function () { notify({ id: id, removed: true }); });
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // One send: resolves to "next" (go on with the queue) or "stop" (keep the order: no signal, server down, login)
  function send(item) {
    var form = new FormData();
    Object.keys(item.fields).forEach(function (name) { if (name !== "csrfmiddlewaretoken") { form.append(name, item.fields[name]); } });
    form.set(item.keyField, item.key);
    item.files.forEach(function (f) { form.append(f.name, f.blob, f.filename || "foto.jpg"); });
    item.status = "sending"; item.attempts += 1;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return save(item).then(function () {
      return fetch(item.url, {
        method: "POST", body: form, credentials: "same-origin", cache: "no-store", redirect: "follow",
        headers: { "Accept": "application/json", "X-Angsur-Outbox": "1", "Idempotency-Key": item.key, "X-CSRFToken": csrfToken() },
        signal: controller ? controller.signal : undefined
      });
    }).then(function (response) {
      if (timer) { clearTimeout(timer); }
      var type = response.headers.get("Content-Type") || "";
      var url = new URL(response.url || item.url, location.href);
      if (response.redirected && url.pathname.indexOf("/login/") === 0) {
        return finish(item, "waiting", { state: "login", status: response.status, loginUrl: url.pathname }, "stop");
      }
      if (type.indexOf("application/json") !== 0) {
        return finish(item, "waiting", { state: "failed", status: response.status }, "stop");
      }
      return response.json().then(function (answer) {
        if (response.ok) {
          item.sent_at = now(); item.fields = {}; item.files = [];  // what was sent is not kept on the phone
          return finish(item, "sent", { state: "sent", status: response.status, body: answer }, "next");
        }
        item.message = answer.message || ""; item.errors = answer.errors || (answer.field ? (function () { var e = {}; e[answer.field] = [answer.message]; return e; })() : null);
        if (response.status === 400) { return finish(item, "refused", { state: "refused", status: 400, body: answer }, "next"); }
        if ([403, 404, 409, 410].indexOf(response.status) >= 0) { return finish(item, "conflict", { state: "conflict", status: response.status, body: answer }, "next"); }
        return finish(item, "waiting", { state: "failed", status: response.status, body: answer }, "stop");
      });
    }, function () {
      if (timer) { clearTimeout(timer); }
      return finish(item, "waiting", { state: "offline" }, "stop");
    });
  }
  function finish(item, status, answer, then) {
    item.status = status; item.answer = answer;
    return save(item).then(function () { return then; });
  }

  function flush(options) {
    if (flushing) { return flushing.then(function () { return flush(options); }); }  // items put meanwhile go too
    var skipHeld = options && options.skipHeld;
    var run = function () {
      return all().then(function (items) {
        // a locked item (no key in this session) waits for its user: nothing of it can be read, nor sent
        var queue = items.filter(function (i) { return (i.status === "waiting" || i.status === "sending") && !i.locked && !(skipHeld && held[i.slot]); });
        var step = function (n) {
          if (n >= queue.length) { return "done"; }
          return send(queue[n]).then(function (then) { return then === "stop" ? "stopped" : step(n + 1); });
        };
        return step(0);
      });
    };
    // one tab sends at a time (the server's keys would catch a double send anyway)
    var locked = navigator.locks && navigator.locks.request ? navigator.locks.request("angsur-outbox-" + user, run) : run();
    flushing = Promise.resolve(locked).then(function (result) { flushing = null; schedule(); return result; }, function (e) { flushing = null; schedule(); throw e; });
    return flushing;
  }
  function schedule() {
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    device.key().then(records).then(function (items) {
      if (items.some(function (i) { return i.status === "waiting"; })) {
        retryTimer = setTimeout(function () { retryTimer = null; flush().catch(quiet); }, retryDelay);
        retryDelay = Math.min(retryDelay * 2, RETRY_MS);
      } else {
        retryDelay = RETRY_FIRST_MS;
      }
    }).catch(quiet);
  }
  function prune() {
    var limit = Date.now() - SENT_KEPT_MS;
    return records().then(function (items) {
      return Promise.all(items.filter(function (i) { return i.status === "sent" && Date.parse(i.sent_at) < limit; }).map(function (i) { return remove(i.id); }));
    });
  }
  function wipe() {
    if (retryTimer) { clearTimeout(retryTimer); }
    var opened = dbPromise;
    wiped = true;  // nothing opens (and so re-creates) the database after this, on this page
    return Promise.resolve(opened).then(function (db) { if (db) { db.close(); } dbPromise = null; }).catch(function () { /* never opened */ }).then(function () {
      return new Promise(function (resolve) {
        var r = indexedDB.deleteDatabase(DB_NAME);
        r.onsuccess = r.onerror = r.onblocked = function () { resolve(); };
      });
    });
  }

  window.AngsurOutbox = {
    put: put, flush: flush, list: all, get: get, remove: remove, wipe: wipe,
    hold: function (slot) { held[slot] = true; },
    subscribe: function (fn) { listeners.push(fn); }
  };

  /* ---- what waits, shown on every page (the panel in base.html) ---- */
  var panel = document.querySelector("[data-outbox-panel]");
  function text(name) { return (panel && panel.getAttribute("data-msg-" + name)) || name; }
  function clock(iso) {
    if (!iso) { return ""; }
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }
  function render() {
    if (!panel) { return; }
    all().then(function (items) {
      var list = panel.querySelector("[data-outbox-list]");
      list.textContent = "";
      var open = 0;
      items.forEach(function (item) {
        if (item.status !== "sent") { open += 1; }
        var li = document.createElement("li");
        li.className = "outbox-item " + item.status;
        li.setAttribute("data-outbox-item", item.slot);
        li.setAttribute("data-status", item.status);
        var title = document.createElement(item.page && item.status !== "sent" ? "a" : "span");
        if (item.page && item.status !== "sent") { title.href = item.page; }
        title.textContent = item.label;
        var state = document.createElement("small");
        state.setAttribute("data-outbox-state", "");
        var line = item.status === "sent" ? text("sent") + " " + clock(item.sent_at)
          : item.status === "conflict" ? text("conflict") + " " + item.message
          : item.status === "refused" ? text("refused") + " " + item.message
          : text("waiting") + " " + clock(item.queued_at);
        state.textContent = line;
        li.appendChild(title); li.appendChild(document.createTextNode(" ")); li.appendChild(state);
        if (item.status === "conflict" || item.status === "refused" || item.locked) {
          var drop = document.createElement("button");
          drop.type = "button"; drop.className = "link"; drop.textContent = text("remove");
          drop.addEventListener("click", function () { if (window.confirm(text("remove-confirm"))) { remove(item.id); } });
          li.appendChild(document.createTextNode(" ")); li.appendChild(drop);
        }
        list.appendChild(li);
      });
      panel.hidden = items.length === 0;
      var count = panel.querySelector("[data-outbox-count]");
      if (count) { count.textContent = String(open); }
      var sendNow = panel.querySelector("[data-outbox-send]");
      if (sendNow) { sendNow.hidden = !items.some(function (i) { return i.status === "waiting"; }); }
    }).catch(function () { /* storage refused: nothing to show */ });
  }
  listeners.push(render);
  if (panel) {
    var sendNow = panel.querySelector("[data-outbox-send]");
    if (sendNow) { sendNow.addEventListener("click", function () { flush().catch(quiet); }); }
  }
  window.addEventListener("online", function () { flush().catch(quiet); });
  document.addEventListener("DOMContentLoaded", function () {
    prune().then(function () { return sealLegacy().catch(quiet); }).then(render).then(function () {
      if (navigator.onLine !== false) { flush({ skipHeld: true }).catch(quiet); } else { schedule(); }
    }).catch(render);
  });
})();
