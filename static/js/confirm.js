// Forms that change something hard to undo ask first. The question is the form's
// data-confirm attribute: inline onsubmit handlers are refused by our
// Content-Security-Policy, which allows only scripts served from this site.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
