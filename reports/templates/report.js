// dataready report: optional enhancements. The page is complete without
// them: tables keep their report order and <details> open by hand.
(function () {
  "use strict";

  // Sortable tables: every header with data-sort becomes a button that
  // sorts the rows by that column, by the cell's data-value when it has
  // one, else by its text ("num" headers compare numbers). A second click
  // reverses the order; equal rows keep their report order.
  function sortable(table) {
    var tbody = table.tBodies[0];
    if (!tbody) {
      return;
    }
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.forEach(function (row, i) {
      row.setAttribute("data-order", String(i));
    });
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, col) {
      var kind = th.getAttribute("data-sort");
      if (!kind) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) {
          if (other.hasAttribute("aria-sort")) {
            other.setAttribute("aria-sort", "none");
          }
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var current = Array.prototype.slice.call(tbody.rows);
        current.sort(function (a, b) {
          var c = compare(key(a.cells[col], kind), key(b.cells[col], kind));
          if (!ascending) {
            c = -c;
          }
          return c || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        });
        current.forEach(function (row) {
          tbody.appendChild(row);
        });
      });
    });
  }

  function key(cell, kind) {
    if (!cell) {
      return "";
    }
    var v = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (kind === "num") {
      var n = parseFloat(v.split(",").join(""));
      return isNaN(n) ? Infinity : n;
    }
    return v.toLowerCase();
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") {
      return a - b;
    }
    return String(a).localeCompare(String(b));
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), sortable);

  // Printing shows everything: open every closed <details> before the
  // print, and close them again after.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) {
      d.open = false;
    });
    opened = [];
  });
})();
