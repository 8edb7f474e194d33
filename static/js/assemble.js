// 组稿: scroll the preview to the section being edited, and show a section's fields
// only for the kinds they change. Without JavaScript the page still works: the server
// renders the fields of the saved kind and the preview from its top.
(function () {
  "use strict";
  const preview = document.getElementById("preview");
  const focus = preview && preview.dataset.focus && document.getElementById(preview.dataset.focus);
  if (focus) {
    const offset = focus.getBoundingClientRect().top - preview.getBoundingClientRect().top;
    preview.scrollTop += offset - 8;
  }

  document.querySelectorAll("[data-kind-fields]").forEach(function (form) {
    const kind = form.querySelector("select[name$=kind]");
    if (!kind) return;
    const show = function () {
      form.querySelectorAll("[data-shown-for]").forEach(function (field) {
        field.hidden = !field.dataset.shownFor.split(" ").includes(kind.value);
      });
    };
    kind.addEventListener("change", show);
    show();
  });
})();
