// The cart arrived in the storefront's frame or window: show it on the buyer's own page.
// In new-window mode that page is the window that opened the storefront; the storefront
// window then closes, as procurement systems do.
document.addEventListener("DOMContentLoaded", function () {
  var note = document.getElementById("returned");
  if (!note) { return; }
  var cart = note.getAttribute("data-cart");
  var opener = null;
  try { opener = window.opener && !window.opener.closed ? window.opener : null; } catch (e) { opener = null; }
  if (opener && window.top === window) {
    opener.location.href = cart;
    window.close();
  } else {
    window.top.location.href = cart;
  }
});
