/* Drag-and-drop for the locked plan items (progressive enhancement).
   Without this script the Eerder/Later buttons do the same; they always stay usable.
   On drop the new order of the locked items goes into the hidden reorder form, which is
   submitted as an ordinary POST (with its CSRF token). */
(function () {
  "use strict";
  var list = document.getElementById("plan-list");
  if (!list || !("draggable" in document.createElement("li"))) { return; }
  var form = document.getElementById(list.getAttribute("data-reorder-form"));
  if (!form) { return; }
  var orderInput = form.querySelector("input[name=order]");
  var dragged = null;

  function movable() { return Array.prototype.slice.call(list.querySelectorAll("li.movable")); }

  movable().forEach(function (item) {
    item.setAttribute("draggable", "true");
    item.classList.add("dnd-ready");
    item.addEventListener("dragstart", function (event) {
      dragged = item;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.getAttribute("data-exercise-id"));
    });
    item.addEventListener("dragend", function () {
      item.classList.remove("dragging");
      movable().forEach(function (el) { el.classList.remove("drop-target"); });
      dragged = null;
    });
    item.addEventListener("dragover", function (event) {
      if (!dragged || dragged === item) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      item.classList.add("drop-target");
    });
    item.addEventListener("dragleave", function () { item.classList.remove("drop-target"); });
    item.addEventListener("drop", function (event) {
      event.preventDefault();
      item.classList.remove("drop-target");
      if (!dragged || dragged === item) { return; }
      var rect = item.getBoundingClientRect();
      var after = event.clientY > rect.top + rect.height / 2;
      list.insertBefore(dragged, after ? item.nextSibling : item);
      submitOrder();
    });
  });

  function submitOrder() {
    // Every item that is not open yet, skipped ones included, in their new page order.
    var locked = Array.prototype.slice.call(list.querySelectorAll("li[data-locked]"));
    var ids = locked.map(function (el) { return el.getAttribute("data-exercise-id"); });
    orderInput.value = ids.join(",");
    var status = document.getElementById("reorder-status");
    if (status) { status.textContent = status.getAttribute("data-saving") || "…"; }
    form.submit();
  }
})();
