/* civmon: small accessibility repairs to widgets the app does not render itself (Dash serves this file
 * from assets/; it fetches nothing). Each repair is checked by tests/browser (axe-core, no serious or
 * critical violation):
 * 1. Dash 4's dcc.Dropdown puts keyboard focus on a proxy <input class="dash-dropdown-focus-target"
 *    aria-hidden="true"> that forwards it at once to the dropdown's button: a focusable element hidden
 *    from screen readers (axe aria-hidden-focus). The proxy is unhidden and named after the field's
 *    <label>, and the button is named by the label as well as by its value ("Country: Romania (RO)").
 * 2. The pager buttons of dash_table.DataTable have no text (axe button-name): they get names.
 * 3. <html lang> follows the language of the page (its root <div lang=…>), which changes without a reload.
 */
(function () {
  "use strict";
  var PAGER = {"first-page": "First page", "previous-page": "Previous page", "next-page": "Next page",
               "last-page": "Last page"};

  function labelFor(id) {
    return id ? document.querySelector('label[for="' + CSS.escape(id) + '"]') : null;
  }

  function repairDropdowns() {
    var proxies = document.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]");
    for (var i = 0; i < proxies.length; i++) {
      var proxy = proxies[i], button = proxy.nextElementSibling, label = labelFor(button && button.id);
      proxy.removeAttribute("aria-hidden");
      if (label) {
        proxy.setAttribute("aria-label", label.textContent);
        if (!label.id) label.id = button.id + "-label";
        var by = button.getAttribute("aria-labelledby") || "";
        if (by.split(" ").indexOf(label.id) < 0) button.setAttribute("aria-labelledby", (label.id + " " + by).trim());
      }
    }
  }

  function repairPagers() {
    var buttons = document.querySelectorAll(".previous-next-container button:not([aria-label])");
    for (var i = 0; i < buttons.length; i++) {
      for (var cls in PAGER) {
        if (buttons[i].classList.contains(cls)) buttons[i].setAttribute("aria-label", PAGER[cls]);
      }
    }
  }

  function repairLang() {
    var root = document.querySelector("#_pages_content [lang]");
    var lang = root ? root.getAttribute("lang") : "en";
    if (document.documentElement.getAttribute("lang") !== lang) document.documentElement.setAttribute("lang", lang);
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      repairDropdowns();
      repairPagers();
      repairLang();
    });
  }
  new MutationObserver(schedule).observe(document.documentElement,
                                         {childList: true, subtree: true, attributes: true, attributeFilter: ["lang"]});
  schedule();
})();
