/* The shell's behaviour, kept out of the pages (the Content-Security-Policy runs no inline script):
   a <select data-autosubmit> submits its form when changed (the language switch). */
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit]") && target.form) { target.form.submit(); }
});
