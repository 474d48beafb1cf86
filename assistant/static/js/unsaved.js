// A warning before leaving a form with text not saved yet (forms marked data-warn-unsaved).
// Without JavaScript the page works the same, only without the warning.
(function () {
  var forms = document.querySelectorAll("form[data-warn-unsaved]");
  if (!forms.length) return;
  var dirty = false;
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers show their own text: the page's is ignored
    return "";
  });
})();
