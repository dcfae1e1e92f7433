// The form builder's "Add several fields": more rows and reordering without a page load. Without this script
// the form still works: three rows, each with its Order number typed by hand.
(function () {
  var form = document.getElementById("quick-fields");
  if (!form) return;
  var rows = form.querySelector("[data-rows]");
  var total = form.querySelector('input[name="quick-TOTAL_FORMS"]');
  var template = document.getElementById("quick-field-row");

  // The rows' Order numbers follow their places on the page, so the server keeps the order seen.
  function renumber() {
    rows.querySelectorAll("[data-row]").forEach(function (row, index) {
      row.querySelector('input[name$="-ORDER"]').value = index + 1;
    });
  }

  function reveal(scope) {
    scope.querySelectorAll("[data-move]").forEach(function (button) { button.hidden = false; });
  }

  form.querySelector("[data-add-row]").hidden = false;
  reveal(rows);
  renumber();

  form.querySelector("[data-add-row]").addEventListener("click", function () {
    var index = Number(total.value);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    reveal(rows.lastElementChild);
    renumber();
    rows.lastElementChild.querySelector("input").focus();
  });

  rows.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) return;
    var row = button.closest("[data-row]");
    if (button.dataset.move === "-1" && row.previousElementSibling) {
      rows.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.move === "1" && row.nextElementSibling) {
      rows.insertBefore(row.nextElementSibling, row);
    }
    renumber();
    button.focus();
  });
})();
