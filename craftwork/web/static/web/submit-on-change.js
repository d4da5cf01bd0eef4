// A <select data-submit-on-change> submits its form when changed (the language picker), instead
// of an inline onchange handler, which the Content-Security-Policy does not run.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.submit();
  }
});
