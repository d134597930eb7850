// The cart arrived inside the storefront frame: show it in the whole window.
document.addEventListener("DOMContentLoaded", function () {
  var note = document.getElementById("returned");
  if (note) { window.top.location.href = note.getAttribute("data-cart"); }
});
