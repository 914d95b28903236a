// Small glue around htmx: toasts for failed requests and for server-sent HX-Trigger events.
(function () {
  "use strict";

  function toast(message, kind) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var item = document.createElement("div");
    item.className = "toast toast-" + (kind || "info");
    item.setAttribute("role", kind === "error" ? "alert" : "status");
    item.textContent = message;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, kind === "error" ? 8000 : 4000);
  }
  window.dashboardToast = toast;

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = "";
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var alert = doc.querySelector("[role=alert]");
      text = alert ? alert.textContent.trim() : "";
    } catch (e) { /* not HTML */ }
    toast(text || ((document.body.dataset.errorMessage || "Error") + " (" + xhr.status + ")"), "error");
  });

  document.addEventListener("htmx:sendError", function () {
    toast(document.body.dataset.offlineMessage || "Network error", "error");
  });

  // HX-Trigger: {"showToast": {"message": "...", "kind": "success"}}
  document.body && document.body.addEventListener("showToast", function (event) {
    toast(event.detail.message, event.detail.kind);
  });

  // A form that autosaves (its save line has data-unsaved) says so at the first keystroke,
  // until the server answers "saved at".
  // Each keystroke counts; a save remembers the count it was sent at, and its answer keeps
  // "not saved yet" when the agent typed again meanwhile (that typing has its own save coming).
  var keystrokes = 0;
  function showUnsaved(form) {
    var state = form && form.querySelector("[data-unsaved]");
    if (state) state.textContent = state.dataset.unsaved;
  }
  function markUnsaved(event) {
    var form = event.target.closest && event.target.closest("form");
    if (form && form.querySelector("[data-unsaved]")) { keystrokes += 1; showUnsaved(form); }
  }
  document.addEventListener("input", markUnsaved);
  document.addEventListener("change", markUnsaved);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var saver = event.detail.elt;
    if (saver.hasAttribute && saver.hasAttribute("data-autosave")) saver.dataset.sentAt = keystrokes;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var saver = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (saver && saver.hasAttribute && saver.hasAttribute("data-autosave")
        && Number(saver.dataset.sentAt) !== keystrokes) {
      showUnsaved(saver.closest("form"));
    }
  });

  // Whether a form holds something typed and not sent: a field that differs from what the
  // page was served with.
  function typedIn(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (el.type === "hidden" || el.type === "submit" || el.type === "button") { return false; }
      if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
      if (el.tagName === "SELECT") {
        // A select served without a "selected" option shows its first one.
        var served = Array.prototype.filter.call(el.options, function (o) { return o.defaultSelected; });
        var first = served.length ? served[0] : el.options[0];
        return !el.multiple && first ? !first.selected : false;
      }
      return el.value !== el.defaultValue;
    });
  }

  // Order screen live updates: re-read the page in place, unless the agent is editing: an
  // address or contact form open, something typed and not sent (the note box is always
  // there: only typing in it counts), or the cursor in a field.
  document.body && document.body.addEventListener("orderChangedElsewhere", function () {
    var live = document.getElementById("order-live");
    var focused = document.activeElement;
    var editing = document.querySelector("#main form.edit-form:not(.note-form), #main form[data-editing]") ||
      Array.prototype.some.call(document.querySelectorAll("#main form"), typedIn) ||
      (focused && focused.closest("#main form") && focused.matches("input:not([type=hidden]), textarea"));
    if (editing) {
      if (live && !live.dataset.told) { toast(live.dataset.message, "info"); live.dataset.told = "1"; }
      return;
    }
    htmx.ajax("GET", window.location.pathname, { target: "#main", select: "#main", swap: "outerHTML" });
  });
})();
