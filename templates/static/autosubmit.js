// Posts the cart form as soon as the page loads; the button stays for browsers without JS.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("cart-form");
  if (form) { form.submit(); }
});
