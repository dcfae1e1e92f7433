// The menu button of narrow windows (static/css/tandem.css, "Narrow windows"). Without this script the button
// stays hidden and the navigation shows as a plain list, so every link is reachable either way.
document.addEventListener("DOMContentLoaded", function () {
  var header = document.querySelector("[data-menu]");
  var button = header && header.querySelector(".menu-button");
  if (!button) return;
  header.classList.add("menu-ready");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = header.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
