// Agora layout helpers for phones; the pages work without them.
// 1. Table cells get their column's name (data-label), shown above them when a table is
//    stacked as cards on a narrow screen. Cells the template already labelled keep theirs.
// 2. Filters in <details class="filter-fold"> are folded on a phone unless some are in use,
//    and always open on a wider screen.
(function () {
  "use strict";

  function labelCells(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    var names = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      var text = cell.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i += 1) names.push(text);
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.textContent.trim() && !cell.querySelector("img, input, select, button, svg")) {
            cell.classList.add("cell-empty");
          } else if (!cell.hasAttribute("data-label") && names[column]) {
            cell.setAttribute("data-label", names[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  var narrow = window.matchMedia("(max-width: 40rem)");

  function foldFilters() {
    document.querySelectorAll("details.filter-fold").forEach(function (details) {
      details.open = !narrow.matches || details.hasAttribute("data-in-use");
    });
  }

  document.querySelectorAll("main table").forEach(labelCells);
  foldFilters();
  if (narrow.addEventListener) narrow.addEventListener("change", foldFilters);
})();
