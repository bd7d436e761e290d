// The page behaviour every page shares, kept out of the HTML so that the Content Security
// Policy allows no inline script (issue 7):
// - a fragment answered by the login page (the session ended): log in again, not in a panel;
// - the language menu switches on change;
// - a form with data-confirm asks before it is sent (destructive steps);
// - a button with data-print prints the page;
// - a look-up result with data-fill-phone fills the visit form (reception desk);
// - on a phone the menu is one button (data-nav-toggle) that opens and closes it.
(function () {
  "use strict";
  var body = document.body;
  document.documentElement.classList.add("js");
  // a fold marked data-open-wide (the desk's rotation board) starts open on a desk's screen
  if (window.matchMedia("(min-width: 1000px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (fold) { fold.open = true; });
  }
  var loginUrl = body.dataset.loginUrl;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var url = event.detail.xhr.responseURL || "";
    if (loginUrl && url.indexOf(loginUrl) !== -1) {
      event.detail.shouldSwap = false;
      window.location.href = loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search);
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.closest(".topbar").classList.toggle("nav-open", open);
      return;
    }
    var printer = event.target.closest && event.target.closest("[data-print]");
    if (printer) {
      window.print();
      return;
    }
    var pick = event.target.closest && event.target.closest("[data-fill-phone]");
    if (pick) {
      var form = document.getElementById("visit-form");
      if (!form) { return; }
      form.elements.phone.value = pick.dataset.fillPhone;
      if (!form.elements.name.value) { form.elements.name.value = pick.dataset.fillName || ""; }
      form.elements.party_size.focus();
    }
  });
})();
