// The error summary's links (templates/base.html): the field a link leads to gets the focus,
// with its label or question in view. The summary itself is focused by `autofocus`.
document.addEventListener("click", function (event) {
  var link = event.target.closest(".error-summary a[href^='#']");
  if (!link) return;
  var field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  window.setTimeout(function () {
    var around = field.closest("fieldset") || field.closest(".field") || field;
    around.scrollIntoView();
    field.focus({ preventScroll: true });
  }, 0);
});
