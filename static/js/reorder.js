// Drag and drop to reorder sections and items. Each row names the URL that moves it;
// only its handle ([data-drag-handle]) starts a drag, so the text in the row stays
// selectable with the mouse. Dropping it on another row posts that row's place. The
// ↑/↓ buttons stay for keyboards and for browsers without JavaScript.
(function () {
  "use strict";
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!token) return;

  function post(url, index) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    for (const [name, value] of [["csrfmiddlewaretoken", token.value], ["to", String(index)]]) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  }

  document.querySelectorAll("[data-reorder]").forEach(function (list) {
    let dragged = null;
    const rows = () => Array.from(list.children).filter((el) => el.dataset.moveUrl);
    rows().forEach(function (row) {
      const handle = row.querySelector("[data-drag-handle]");
      if (!handle) return;
      handle.draggable = true;
      handle.addEventListener("dragstart", function (event) {
        dragged = row;
        row.classList.add("opacity-50");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.dataset.moveUrl);
        event.dataTransfer.setDragImage(row, 0, 0);
        event.stopPropagation();
      });
      handle.addEventListener("dragend", function () {
        row.classList.remove("opacity-50");
        dragged = null;
      });
      row.addEventListener("dragover", function (event) {
        if (dragged && dragged !== row && dragged.parentElement === list) event.preventDefault();
      });
      row.addEventListener("drop", function (event) {
        if (!dragged || dragged === row || dragged.parentElement !== list) return;
        event.preventDefault();
        event.stopPropagation();
        post(dragged.dataset.moveUrl, rows().indexOf(row));
      });
    });
  });
})();
