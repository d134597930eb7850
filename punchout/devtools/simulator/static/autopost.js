// Posts the OCI call-up as soon as the page loads, as SAP's catalog call does.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("auto");
  if (form) { form.submit(); }
});
