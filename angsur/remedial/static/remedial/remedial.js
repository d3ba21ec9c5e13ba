/* angsur remedial (our own code): the collector's receipt form.

   "Record cash and receipt" puts the form into the phone's outbox (AngsurOutbox, outbox.js), one item per
   receipt number, so a receipt written where there is no signal is sent when there is; the server records a
   receipt sent twice (same number, contract and amount) once. Without the outbox (no JavaScript, no IndexedDB)
   the form posts normally. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-receipt-form]");
  if (!form) { return; }
  var status = form.querySelector("[data-receipt-status]");
  function say(text) { if (status) { status.textContent = text || ""; } }
  var outbox = window.AngsurOutbox && window.fetch && window.FormData ? window.AngsurOutbox : null;
  if (!outbox) { return; }
  var button = form.querySelector("button[type=submit]");

  outbox.subscribe(function (item) {
    if (!item || item.kind !== "field-receipt") { return; }
    if (item.status === "sent") {
      var url = item.answer && item.answer.body && item.answer.body.url;
      window.location.assign(url || window.location.href);
    } else if (item.status === "refused" || item.status === "conflict") {
      say(item.message || "");
      button.disabled = false;
    } else if (item.status === "waiting") {
      say(form.getAttribute("data-msg-waiting"));
      button.disabled = false;
      form.reset();
    }
  });

  form.addEventListener("submit", function (event) {
    var fields = {};
    new FormData(form).forEach(function (value, name) { if (typeof value === "string" && name !== "csrfmiddlewaretoken") { fields[name] = value; } });
    if (!fields.number || !fields.contract_number || !fields.amount) { return; }  // the server's messages say what is missing
    event.preventDefault();
    var key = "receipt-" + fields.number;
    button.disabled = true;
    say("");
    outbox.put({
      slot: key, kind: "field-receipt", url: form.getAttribute("action") || window.location.pathname,
      label: form.getAttribute("data-label") + " " + fields.number, page: window.location.pathname,
      key: key, keyField: "client_key", fields: fields, files: []
    }).then(function () { return outbox.flush(); }).catch(function () { form.submit(); });
  });
})();
