// Disable a form's submit buttons once it is sent, so a double click posts once. A help only:
// the server guards the forms that create things (accounts/once.py) whether this runs or not.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.sent === "yes") {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "yes";
    // After the browser has read the form (the clicked button's name is part of what it sends).
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(
        function (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        }
      );
    }, 0);
  });
  // Coming back to the page from the history: the form may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-sent=yes]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("[aria-disabled=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    });
  });
})();
