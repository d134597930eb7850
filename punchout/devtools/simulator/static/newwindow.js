// New-window punch-out, as procurement systems open it: the storefront gets one named
// window; a second click brings that window to the front instead of loading the (one-time)
// start link again, which would only show "link has expired".
document.addEventListener("DOMContentLoaded", function () {
  var link = document.getElementById("open-storefront");
  if (!link) { return; }
  var name = link.getAttribute("data-window");
  var opened = null;
  link.addEventListener("click", function (event) {
    event.preventDefault();
    if (opened && !opened.closed) { opened.focus(); return; }
    opened = window.open(link.href, name);
  });
});
