// A <select data-autosubmit> sends its form as soon as it changes (the form keeps a
// submit button for browsers without JavaScript). A file, not an onchange attribute,
// so that the Content-Security-Policy allows no inline script.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    if (field.form.requestSubmit) {
      field.form.requestSubmit();
    } else {
      field.form.submit();
    }
  }
});
