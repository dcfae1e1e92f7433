// Fills each element marked data-fragment with the HTML its URL returns (the "My reviews" page's to-do lists);
// without JavaScript, or when the request fails, the element keeps its link.
document.querySelectorAll("[data-fragment]").forEach(async (element) => {
  try {
    const response = await fetch(element.dataset.fragment, { credentials: "same-origin" });
    if (response.ok) element.innerHTML = await response.text();
  } catch (error) {
    // Offline or the server is restarting: the link stays.
  }
});
