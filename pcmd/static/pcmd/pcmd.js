// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", function (evt) {
  var box = document.getElementById("htmx-error");
  if (!box) {
    box = document.createElement("div");
    box.id = "htmx-error";
    box.className = "msg-error";
    box.setAttribute("role", "alert");
    document.querySelector("main").prepend(box);
  }
  box.textContent = evt.detail.xhr.status >= 500
    ? (document.documentElement.lang === "en" ? "Server error, please try again." : "Lỗi máy chủ, vui lòng thử lại.")
    : evt.detail.xhr.responseText.replace(/<[^>]*>/g, " ").trim().slice(0, 300);
});

// Plan review: an item and its source text point at each other.
document.addEventListener("click", function (evt) {
  var item = evt.target.closest("[data-item]");
  var mark = evt.target.closest("mark[data-items]");
  if (!item && !mark) return;
  if (evt.target.closest("a, button, form")) return;
  document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
  if (item) {
    var key = item.getAttribute("data-item");
    var marks = document.querySelectorAll('mark[data-items~="' + key + '"]');
    marks.forEach(function (m) { m.classList.add("active"); });
    item.classList.add("active");
    if (marks.length) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  } else {
    var first = mark.getAttribute("data-items").split(" ")[0];
    var target = document.querySelector('[data-item="' + first + '"]');
    mark.classList.add("active");
    if (target) { target.classList.add("active"); target.scrollIntoView({ block: "center", behavior: "smooth" }); }
  }
});

// Upload: drop a file on the zone.
document.addEventListener("DOMContentLoaded", function () {
  var zone = document.querySelector("[data-dropzone]");
  if (!zone) return;
  var input = zone.querySelector("input[type=file]");
  var label = zone.querySelector("[data-dropzone-name]");
  var show = function () { label.textContent = input.files.length ? input.files[0].name : ""; };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) { input.files = e.dataTransfer.files; show(); });
});

// Forms that destroy something ask first (data-confirm holds the question).
document.addEventListener("submit", function (evt) {
  var q = evt.target.getAttribute && evt.target.getAttribute("data-confirm");
  if (q && !window.confirm(q)) evt.preventDefault();
});

// Report entry: Enter moves down the column of figures instead of sending the form
// (Shift+Enter moves up); comments are reached with Tab.
document.addEventListener("keydown", function (evt) {
  if (evt.key !== "Enter" || !/^(INPUT|SELECT)$/.test(evt.target.tagName)) return;
  var form = evt.target.closest("form[data-entry]");
  if (!form) return;
  evt.preventDefault();
  var fields = Array.prototype.filter.call(
    form.querySelectorAll('[name^="v:"]:not([readonly]), [name^="n:"]:not([readonly])'),
    function (el) { return !el.disabled; });
  var at = fields.indexOf(evt.target);
  var next = at >= 0 ? fields[at + (evt.shiftKey ? -1 : 1)] : fields.filter(function (el) {
    // From a comment: the next figure below it.
    return evt.target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING;
  })[0];
  if (next) { next.focus(); if (next.select) next.select(); }
});

// A button marked data-once sends its form once: a double click does not send twice.
document.addEventListener("submit", function (evt) {
  var button = evt.submitter;
  if (!button || !button.hasAttribute("data-once") || evt.defaultPrevented) return;
  if (button.dataset.sent) { evt.preventDefault(); return; }
  button.dataset.sent = "1";
  setTimeout(function () { button.setAttribute("aria-disabled", "true"); }, 0);
});

// Containers marked data-swap-errors show the server's 4xx answer (e.g. a save conflict).
document.addEventListener("htmx:beforeSwap", function (evt) {
  var status = evt.detail.xhr.status;
  if (status >= 400 && status < 500 && evt.detail.target && evt.detail.target.hasAttribute("data-swap-errors")) {
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
  }
});
