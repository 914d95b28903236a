// Orders workspace: keyboard shortcuts (/ j k Enter x), sortable headers and bulk selection.
// Everything here is an enhancement: without it the list still filters, pages and opens.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // --- keyboard ---------------------------------------------------------------------------
  function rows() { return $all("#orders-table tbody tr"); }
  function currentRow() { return $("#orders-table tbody tr.current"); }
  function moveTo(row) {
    if (!row) return;
    var old = currentRow();
    if (old) old.classList.remove("current");
    row.classList.add("current");
    row.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // Enter on a whole order number in the search box opens that order (the server
    // answers the list when no order has that number).
    if (event.key === "Enter" && event.target.id === "search" && /^\d{6,}$/.test(event.target.value.trim())) {
      var form = event.target.form;
      if (form) {
        event.preventDefault();
        window.location.href = form.action + "?" + new URLSearchParams(new FormData(form)).toString();
        return;
      }
    }
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (typing(event.target)) return;
    var all = rows(), row = currentRow(), index = row ? all.indexOf(row) : -1;
    if (event.key === "/") {
      var search = $("#search") || $("input[type=search]");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    } else if (event.key === "j" && all.length) {
      moveTo(all[Math.min(index + 1, all.length - 1)]);
    } else if (event.key === "k" && all.length) {
      moveTo(all[Math.max(index - 1, 0)]);
    } else if (event.key === "Enter" && row) {
      event.preventDefault();
      window.location.href = row.dataset.href;
    } else if (event.key === "x" && row) {
      var box = $("input[name=order_ids]", row);
      if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change", { bubbles: true })); }
    }
  });

  // --- sorting by column header ------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-sort]");
    if (!button) return;
    var select = $("#filters select[name=sort]");
    if (!select) return;
    var key = button.dataset.sort;
    var current = select.value || "-placed_at";
    var next = current === "-" + key ? key : "-" + key;
    select.value = next === "-placed_at" ? "" : next;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // --- phone: the filters fold away behind one button -------------------------------------
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest(".filters-toggle");
    if (!toggle) return;
    var open = toggle.form.classList.toggle("show-filters");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // --- bulk selection ---------------------------------------------------------------------
  function bulkForm() { return $("#bulk"); }
  function boxes() { return $all("#orders-table input[name=order_ids]"); }

  function refreshSelection() {
    var form = bulkForm();
    if (!form) return;
    var checked = boxes().filter(function (b) { return b.checked; });
    var head = $(".results-head");
    var total = head ? parseInt(head.dataset.total, 10) : 0;
    var matching = form.elements.scope.value === "matching";
    var page = $("#select-page");
    if (page) {
      page.checked = checked.length > 0 && checked.length === boxes().length;
      page.indeterminate = checked.length > 0 && checked.length < boxes().length;
    }
    $("#selection-count").textContent = matching
      ? (head ? head.dataset.totalText || String(total) : "0")
      : checked.length;
    var more = $("#select-matching");
    var allOnPage = checked.length > 0 && checked.length === boxes().length && total > checked.length;
    more.hidden = matching || !allOnPage;
    if (!more.hidden) {
      more.textContent = (more.dataset.template || "%s").replace("%s", head.dataset.totalText || total);
    }
    form.hidden = !(matching || checked.length);
  }

  function resetSelection() {
    var form = bulkForm();
    if (!form) return;
    form.elements.scope.value = "ids";
    form.elements.matching.value = "";
    boxes().forEach(function (b) { b.checked = false; });
    refreshSelection();
  }

  function showActionFields() {
    var form = bulkForm();
    if (!form) return;
    var action = form.elements.action.value;
    $all("[data-for-action]", form).forEach(function (input) {
      input.hidden = input.dataset.forAction !== action;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "select-page") {
      boxes().forEach(function (b) { b.checked = target.checked; });
      if (!target.checked) bulkForm().elements.scope.value = "ids";
      refreshSelection();
    } else if (target.name === "order_ids") {
      bulkForm().elements.scope.value = "ids";
      refreshSelection();
    } else if (target.name === "action" && target.form === bulkForm()) {
      showActionFields();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("#select-matching")) {
      var form = bulkForm();
      form.elements.scope.value = "matching";
      form.elements.matching.value = $(".results-head").dataset.query;
      refreshSelection();
    } else if (event.target.closest("#clear-selection")) {
      resetSelection();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "results") resetSelection();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = bulkForm();
    if (form && event.detail.elt === form && event.detail.successful) {
      form.elements.note.value = "";
    }
  });
  document.addEventListener("DOMContentLoaded", function () { showActionFields(); refreshSelection(); });

  // --- live updates ------------------------------------------------------------------------
  // The list polls /orders/live; when orders of this view changed elsewhere, refresh the
  // rows at once unless the user is selecting or the bulk form is open: then only offer it.
  function busy() {
    var form = bulkForm();
    return (form && !form.hidden) || (document.activeElement && document.activeElement.closest("#bulk"));
  }
  function refreshList() {
    var notice = $("#live-notice");
    if (notice) notice.hidden = true;
    document.body.dispatchEvent(new CustomEvent("ordersChanged", { bubbles: true }));
  }
  document.body.addEventListener("ordersUpdatedElsewhere", function (event) {
    if (!busy()) { refreshList(); return; }
    var notice = $("#live-notice");
    if (!notice) return;
    var count = event.detail.count + (event.detail.capped ? "+" : "");
    $("span", notice).textContent = (notice.dataset.template || "%s").replace("%s", count);
    notice.hidden = false;
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("#live-refresh")) refreshList();
  });
})();
