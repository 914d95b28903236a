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
    toast(text || ("Error " + xhr.status), "error");
  });

  document.addEventListener("htmx:sendError", function () {
    toast(document.body.dataset.offlineMessage || "Network error", "error");
  });

  // HX-Trigger: {"showToast": {"message": "...", "kind": "success"}}
  document.body && document.body.addEventListener("showToast", function (event) {
    toast(event.detail.message, event.detail.kind);
  });
})();
