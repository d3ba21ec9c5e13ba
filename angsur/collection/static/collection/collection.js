/* angsur collection (our own code): the contact form of a case page.

   A visit asks the phone for its GPS position and records the fix's time; every contact records the phone's
   clock when it was saved. "Save contact" puts the form into the phone's outbox (AngsurOutbox, outbox.js)
   with its idempotency key (client_key), so a contact typed without signal is sent when there is signal and
   a resend never records twice. Without the outbox (no JavaScript, no IndexedDB) the form posts normally. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-contact-form]");
  if (!form) { return; }
  var channel = form.querySelector("select[name=channel]");
  var visitOnly = form.querySelector("[data-visit-only]");
  var gpsStatus = form.querySelector("[data-gps-status]");
  var status = form.querySelector("[data-contact-status]");
  function field(name) { return form.querySelector("[name=" + name + "]"); }
  function iso(ms) { return new Date(ms || Date.now()).toISOString(); }
  function say(text) { if (status) { status.textContent = text || ""; } }

  function locate() {
    if (!navigator.geolocation) { gpsStatus.textContent = form.getAttribute("data-msg-nogps"); return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      field("latitude").value = p.coords.latitude.toFixed(6);
      field("longitude").value = p.coords.longitude.toFixed(6);
      field("gps_taken_at").value = iso(p.timestamp);
      gpsStatus.textContent = form.getAttribute("data-msg-gps") + ": " + p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5) +
        " (±" + Math.round(p.coords.accuracy || 0) + " m)";
    }, function () {
      gpsStatus.textContent = form.getAttribute("data-msg-nogps");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  function channelChanged() {
    var visit = channel && channel.value === "visit";
    if (visitOnly) { visitOnly.hidden = !visit; }
    if (visit && !field("latitude").value) { locate(); }
  }
  if (channel) { channel.addEventListener("change", channelChanged); channelChanged(); }

  var outbox = window.AngsurOutbox && window.fetch && window.FormData ? window.AngsurOutbox : null;
  if (!outbox) { form.addEventListener("submit", function () { field("device_captured_at").value = iso(); }); return; }
  var slot = "contact-" + form.getAttribute("data-case");
  outbox.hold(slot);

  function show(item) {
    if (!item || item.slot !== slot) { return; }
    if (item.status === "sent") {
      say(form.getAttribute("data-msg-sent"));
      var url = item.answer && item.answer.body && item.answer.body.url;
      window.location.assign(url || window.location.href);
    } else if (item.status === "refused" || item.status === "conflict") {
      say(item.message || "");
      form.querySelector("button[type=submit]").disabled = false;
    } else if (item.status === "waiting") {
      say(form.getAttribute("data-msg-waiting"));
      form.querySelector("button[type=submit]").disabled = false;
    }
  }
  outbox.subscribe(show);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    field("device_captured_at").value = iso();
    var fields = {};
    new FormData(form).forEach(function (value, name) { if (typeof value === "string" && name !== "csrfmiddlewaretoken") { fields[name] = value; } });
    form.querySelector("button[type=submit]").disabled = true;
    say("");
    outbox.put({
      slot: slot, kind: "contact", url: form.getAttribute("action"), label: form.getAttribute("data-label"),
      page: window.location.pathname, key: fields.client_key, keyField: "client_key", fields: fields, files: []
    }).then(function () { return outbox.flush(); }).catch(function () {
      // the outbox refused to store it (storage full, locked): post the form as it is
      form.submit();
    });
  });
})();
