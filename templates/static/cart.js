// Cart review: live line totals and cart total from each line's price breaks, Enter in a
// quantity field updates the totals (never submits another button), and a status while the
// cart is on its way. The server prices the cart again on return; this only shows it early.
(function () {
  "use strict";

  function parseDecimal(text) {
    var parts = String(text).split(".");
    var fraction = parts[1] || "";
    return { digits: BigInt(parts[0] + fraction), scale: fraction.length };
  }

  // unit price x quantity in cents, rounded half up (as the price book does).
  function amountCents(price, quantity) {
    var p = parseDecimal(price);
    var value = p.digits * BigInt(quantity);
    if (p.scale <= 2) { return value * (10n ** BigInt(2 - p.scale)); }
    var divisor = 10n ** BigInt(p.scale - 2);
    return (value * 2n + divisor) / (2n * divisor);
  }

  function money(cents) {
    var text = cents.toString().padStart(3, "0");
    var whole = text.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return whole + "." + text.slice(-2);
  }

  function unitPrice(breaks, quantity) {
    var price = null;
    breaks.forEach(function (b) { if (quantity >= Number(b[0])) { price = b[1]; } });
    return price;
  }

  function wholeQuantity(text) {
    var t = String(text).trim();
    if (!/^\d{1,7}$/.test(t)) { return null; }
    var n = Number(t);
    return n >= 1 && n <= 1000000 ? n : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("review-form");
    if (!form) { return; }
    var currency = form.getAttribute("data-currency");
    var rows = Array.prototype.slice.call(form.querySelectorAll("tr.line"));
    var announce = document.getElementById("total-announcement");

    function update(speak) {
      var total = 0n;
      var ticked = 0;
      rows.forEach(function (row) {
        var box = row.querySelector("input[type=checkbox]");
        var field = row.querySelector("input[name^=quantity-]");
        var breaks = JSON.parse(row.getAttribute("data-breaks") || "[]");
        var quantity = wholeQuantity(field.value);
        var price = quantity === null ? null : unitPrice(breaks, quantity);
        var unit = row.querySelector(".unit-price");
        var line = row.querySelector(".line-total");
        if (box.checked) { ticked += 1; }
        if (breaks.length === 0) { return; }  // not priced: the server's text stays
        if (price === null) {
          unit.textContent = "—";
          line.textContent = "—";
        } else {
          var cents = amountCents(price, quantity);
          unit.textContent = price + " " + currency;
          line.textContent = money(cents) + " " + currency;
          if (box.checked) { total += cents; }
        }
      });
      var text = money(total) + " " + currency;
      ["cart-total", "cart-total-top"].forEach(function (id) {
        var el = document.getElementById(id);
        if (el) { el.textContent = text; }
      });
      var count = document.getElementById("selected-count");
      if (count) { count.textContent = String(ticked); }
      if (speak && announce) { announce.textContent = "Cart total " + text; }
    }

    form.addEventListener("input", function () { update(false); });
    form.addEventListener("change", function () { update(true); });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.matches("input[name^=quantity-]")) {
        event.preventDefault();  // Enter means "update the totals", not any button's action
        update(true);
      }
    });

    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending) { event.preventDefault(); return; }  // one click, one request
      sending = true;
      var busy = document.getElementById("busy");
      var action = event.submitter ? event.submitter.value : "";
      if (busy) {
        busy.textContent = action.indexOf("return") === 0 || action === "cancel"
          ? "Sending your cart to your procurement system… this can take up to half a minute."
          : "Working… the storefront can take a few seconds to answer.";
      }
      form.setAttribute("aria-busy", "true");
    });
    window.addEventListener("pageshow", function () { sending = false; });
    // A question asked: its safe answer; a quantity to correct: that field.
    var first = form.querySelector("[data-focus]") || form.querySelector("[aria-invalid=true]");
    if (first) { first.focus(); }
    update(false);
  });
})();
