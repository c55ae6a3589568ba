/* kdocgen: sort the ABI tables by a click on a column head; filter the
 * function table with the check boxes, the issue and absence-reason menus
 * and the name field. */
(function () {
  "use strict";

  function cellValue(row, column) {
    var cell = row.cells[column];
    if (!cell) return "";
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? Number(sort) : cell.textContent.trim().toLowerCase();
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b), undefined, {numeric: true});
  }

  function makeSortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (head, column) {
      head.addEventListener("click", function () {
        var ascending = head.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var order = compare(cellValue(x, column), cellValue(y, column));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilterable(controls, table) {
    var inputs = controls.querySelectorAll("[data-filter]");
    var count = controls.querySelector(".abi-count");
    function apply() {
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var visible = true;
        Array.prototype.forEach.call(inputs, function (input) {
          var key = input.getAttribute("data-filter");
          if (key === "text") {
            var text = input.value.trim().toLowerCase();
            if (text && row.cells[0].textContent.toLowerCase().indexOf(text) < 0) visible = false;
          } else if (key === "issue") {
            if (input.value && row.getAttribute("data-issue") !== input.value) visible = false;
          } else if (key === "reason") {
            var reasons = row.getAttribute("data-reasons") || "";
            if (input.value && reasons.indexOf("|" + input.value + "|") < 0) visible = false;
          } else if (input.checked && row.getAttribute("data-" + key) !== "1") {
            visible = false;
          }
        });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (count) count.textContent = shown + " of " + table.tBodies[0].rows.length + " shown";
    }
    Array.prototype.forEach.call(inputs, function (input) {
      input.addEventListener("input", apply);
      input.addEventListener("change", apply);
    });
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.abi-table[data-sortable]").forEach(makeSortable);
    document.querySelectorAll(".abi-filters").forEach(function (controls) {
      var next = controls.nextElementSibling;
      var table = next && (next.matches("table.abi-table") ? next : next.querySelector("table.abi-table"));
      if (table) makeFilterable(controls, table);
    });
  });
})();
