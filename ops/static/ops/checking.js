/* Forms that ask NetSuite or Google something while a person waits (data-checking="Checking with NetSuite…"):
 * on submit, the button is disabled (no double submit) and says what is happening, with a spinner, until the
 * page answers. The server gives up after data-timeout seconds (WIZARD_CHECK_TIMEOUT_SECONDS) and says so. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var text = form.getAttribute && form.getAttribute("data-checking");
    if (!text) return;
    var button = event.submitter || form.querySelector("button[type=submit]");
    if (button) {
      // A disabled button's name/value is not posted: carry the action in a hidden field instead.
      if (button.name) {
        var carried = document.createElement("input");
        carried.type = "hidden";
        carried.name = button.name;
        carried.value = button.value;
        form.appendChild(carried);
      }
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
    var status = form.querySelector(".checking-status");
    if (status) {
      var seconds = form.getAttribute("data-timeout");
      status.textContent = text + (seconds ? " (at most " + seconds + " s)" : "");
      status.hidden = false;
    }
  });
})();
