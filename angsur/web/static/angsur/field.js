/* angsur field helpers (our own code): GPS position and time for survey forms and photos,
   and a local copy of the survey draft so a lost connection loses nothing. */
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
  var draft = document.querySelector("form[data-draft-key]");
  if (draft && window.localStorage) {
    var key = draft.getAttribute("data-draft-key");
    try {
      var saved = JSON.parse(localStorage.getItem(key) || "{}");
      Object.keys(saved).forEach(function (name) {
        var el = draft.elements[name];
        if (!el || name === "csrfmiddlewaretoken" || name === "version") { return; }
        if (el.type === "checkbox") { el.checked = saved[name] === "on"; }
        else if (el.length && el[0] && el[0].type === "radio") { Array.prototype.forEach.call(el, function (r) { r.checked = r.value === saved[name]; }); }
        else if (!el.value) { el.value = saved[name]; }
      });
    } catch (e) { localStorage.removeItem(key); }
    draft.addEventListener("change", function () {
      var data = {};
      new FormData(draft).forEach(function (value, name) { if (name !== "csrfmiddlewaretoken") { data[name] = value; } });
      localStorage.setItem(key, JSON.stringify(data));
    });
    draft.addEventListener("submit", function () { localStorage.removeItem(key); });
  }
})();
