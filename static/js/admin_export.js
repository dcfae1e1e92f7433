// The "Select all" box of django-import-export's export page (templates/admin/import_export/export.html), bound here
// rather than by an inline onchange attribute, which the Content-Security-Policy refuses.
document.addEventListener("change", function (event) {
  if (event.target.matches(".select-toggle")) onSelectToggleChange(event);
});
