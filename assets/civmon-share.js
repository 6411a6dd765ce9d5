/* civmon: the browser's part of sharing a chart (Dash serves this file from assets/; it fetches nothing).
 * 1. Copy buttons (data-copy="text"): the server wrote the text with the tokens {page} and {origin} where the
 *    absolute address goes (dashboard/share.py); only the browser knows it. The text goes to the clipboard and
 *    the card's status line says so (data-copied); where no clipboard can be written, a prompt shows the text
 *    selected, ready to copy.
 * 2. Print buttons (data-print) print the page.
 * 3. An address ending in #<chart-id> (a copied link to a view) scrolls to that chart once the page has drawn
 *    it, and keeps it in view while the charts above it are drawn, until the reader scrolls or types.
 */
(function () {
  "use strict";
  var SHOW_STATUS_MS = 4000, FOLLOW_HASH_MS = 10000;

  function fill(text) {
    var page = location.origin + location.pathname;
    return text.split("{page}").join(page).split("{origin}").join(location.origin);
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea"), active = document.activeElement, ok = false;
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "0";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (active && active.focus) active.focus();
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; },
                                                      function () { return copyWithSelection(text); });
    }
    return Promise.resolve(copyWithSelection(text));
  }

  function say(button, message) {
    var box = button.closest("[data-share]"), status = box && box.querySelector(".copy-status");
    if (!status) return;
    status.textContent = message;
    clearTimeout(status.civmonTimer);
    status.civmonTimer = setTimeout(function () { status.textContent = ""; }, SHOW_STATUS_MS);
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : event.target.parentElement;
    var button = target && target.closest("[data-copy]");
    if (button) {
      var text = fill(button.getAttribute("data-copy"));
      copy(text).then(function (ok) {
        if (ok) say(button, button.getAttribute("data-copied"));
        else window.prompt(button.getAttribute("data-copy-prompt") || "", text);
      });
      return;
    }
    if (target && target.closest("[data-print]")) window.print();
  });

  // 3. scroll to #<chart-id>
  var followUntil = 0, pending = false;
  function startFollowing() { followUntil = location.hash.length > 1 ? Date.now() + FOLLOW_HASH_MS : 0; }
  function stopFollowing() { followUntil = 0; }
  function follow() {
    pending = false;
    if (Date.now() > followUntil) return;
    var id, target;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    target = id && document.getElementById(id);
    if (!target) return;
    var top = target.getBoundingClientRect().top;
    if (Math.abs(top) > 2) target.scrollIntoView({block: "start"});
  }
  ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (type) {
    window.addEventListener(type, stopFollowing, {passive: true, capture: true});
  });
  window.addEventListener("hashchange", function () { startFollowing(); follow(); });
  new MutationObserver(function () {
    if (pending || Date.now() > followUntil) return;
    pending = true;
    requestAnimationFrame(follow);
  }).observe(document.documentElement, {childList: true, subtree: true});
  startFollowing();
})();
