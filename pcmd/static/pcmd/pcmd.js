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
