// plantrack — the little script the pages use. Everything works without it; it only adds conveniences.
// Forms marked data-confirm ask before submitting. (Selects never submit on change: WCAG 3.2.2.)
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      if (!window.confirm(f.getAttribute('data-confirm'))) { e.preventDefault(); }
    });
  });
});
