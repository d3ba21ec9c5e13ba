/* The shell's behaviour, kept out of the pages (the Content-Security-Policy runs no inline script).

   - The language switch (<select data-autosubmit>) submits on an explicit choice only: a pick from the
     open list (pointer, or Enter in the list), or Enter on the closed select. An arrow key on the closed
     select changes the value without reloading the page (WCAG 3.2.2); the choice then waits for Enter.
   - A refused form (an .error-summary on the page) focuses its first invalid field, or the summary itself;
     the summary's links open a folded <details> and focus their field.
   - A form answered by htmx (a submit) moves the focus to the answer, which announces it and scrolls it
     into view: the summary of errors if there is one, otherwise the swapped region.
   - A scroll box (.table-wrap) whose table is wider than the screen is reachable and scrollable by
     keyboard (tabindex=0) and named after its table or the heading above it. */
(function () {
  "use strict";

  // ---- the language switch -------------------------------------------------------------------------
  var NAVIGATION_KEYS = { ArrowUp: 1, ArrowDown: 1, ArrowLeft: 1, ArrowRight: 1, Home: 1, End: 1, PageUp: 1, PageDown: 1 };
  var keyboardChange = false;

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target.matches && target.matches("select[data-autosubmit]"))) { return; }
    if (event.key === "Enter") {
      if (target.value !== target.getAttribute("data-initial") && target.form) { event.preventDefault(); target.form.submit(); }
      return;
    }
    // Alt+Down opens the list (then the pick is explicit); a letter or an arrow on the closed select is not a choice.
    keyboardChange = !event.altKey && (NAVIGATION_KEYS[event.key] === 1 || (event.key.length === 1 && event.key !== " "));
  });
  // Leaving the select without choosing puts back the language the page is in.
  document.addEventListener("focusout", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.hasAttribute("data-initial")) {
      target.value = target.getAttribute("data-initial");
    }
  });
  document.addEventListener("pointerdown", function () { keyboardChange = false; }, true);
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target.matches && target.matches("select[data-autosubmit]") && target.form)) { return; }
    if (keyboardChange) { keyboardChange = false; return; }
    target.form.submit();
  });

  function rememberInitialChoices(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (!select.hasAttribute("data-initial")) { select.setAttribute("data-initial", select.value); }
    });
  }

  // ---- refused forms -------------------------------------------------------------------------------
  function openFoldsAround(element) {
    for (var node = element; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
  }

  function focusable(target) {
    if (!target) { return null; }
    if (target.matches("input, select, textarea, button")) { return target; }
    return target.querySelector("input:not([type=hidden]), select, textarea") || target;
  }

  function focusField(field) {
    openFoldsAround(field);
    field.focus();
    if (field.scrollIntoView) { field.scrollIntoView({ block: "center" }); }
  }

  // The first refused field in the form's order: one marked aria-invalid, or a group (radios, checkboxes)
  // whose message list is named after it (Django's "<id>_error").
  function firstInvalid(scope) {
    var marks = scope.querySelectorAll("[aria-invalid=true], .errorlist[id$='_error']");
    for (var i = 0; i < marks.length; i++) {
      var mark = marks[i];
      var field = mark.classList.contains("errorlist") ? focusable(document.getElementById(mark.id.slice(0, -6))) : mark;
      if (field && field !== mark) { return field; }
    }
    return null;
  }

  function focusFirstInvalid(summary) {
    var invalid = firstInvalid(summary.closest("form") || document);
    if (invalid) { focusField(invalid); } else { summary.focus(); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var target = focusable(document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1))));
    if (!target) { return; }
    event.preventDefault();
    focusField(target);
  });

  // ---- answers swapped in by htmx ------------------------------------------------------------------
  document.addEventListener("htmx:afterSwap", function (event) {
    var config = event.detail && event.detail.requestConfig;
    var trigger = config && config.triggeringEvent;
    if (!trigger || trigger.type !== "submit") { return; }  // an autosave must not move the focus
    var swapped = event.detail.elt && event.detail.elt.isConnected ? event.detail.elt : document.getElementById(event.detail.target && event.detail.target.id);
    if (!swapped) { return; }
    var answer = swapped.querySelector(".error-summary, [role=alert]") || swapped;
    if (!answer.hasAttribute("tabindex")) { answer.setAttribute("tabindex", "-1"); }
    answer.focus();
  });

  // ---- scroll boxes --------------------------------------------------------------------------------
  function nameOf(box) {
    var table = box.querySelector("table");
    if (table) {
      if (table.getAttribute("aria-label")) { return table.getAttribute("aria-label"); }
      if (table.caption && table.caption.textContent.trim()) { return table.caption.textContent.trim(); }
    }
    for (var node = box.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) { return node.textContent.trim(); }
    }
    var section = box.closest(".card, section");
    var heading = section && section.querySelector("h1, h2, h3");
    if (heading) { return heading.textContent.trim(); }
    var title = document.querySelector("h1");
    return title ? title.textContent.trim() : document.title;
  }

  function markScrollBoxes(root) {
    root.querySelectorAll(".table-wrap").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box));
        box.setAttribute("data-scroll-box", "");
      } else if (box.hasAttribute("data-scroll-box")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scroll-box");
      }
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { markScrollBoxes(document); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function () { markScrollBoxes(document); });

  function start() {
    rememberInitialChoices(document);
    markScrollBoxes(document);
    var summary = document.querySelector(".error-summary");
    if (!summary) { return; }
    focusFirstInvalid(summary);
    // A page answered at a #fragment (the decision form posts to …#decide-section): the browser's own scroll
    // to the fragment, at load, drops the focus back to the page; take it again then.
    window.addEventListener("load", function () {
      setTimeout(function () { if (document.activeElement === document.body) { focusFirstInvalid(summary); } }, 0);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
