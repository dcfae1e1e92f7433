// Keyboard shortcuts for the screening queue: a key presses the control that lists it in data-key.
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT")) return;
  var control = document.querySelector('[data-key~="' + event.key.toLowerCase() + '"]');
  if (!control) return;
  event.preventDefault();
  control.click();
});
