// The activity feed, live: when the notification socket (core/notifications.js) says a
// new item exists, or reconnects, fetch the items after the newest shown (with the page's
// filters; the server checks each against the permission authority) and put them on top.
(function () {
  "use strict";
  var list = document.querySelector("[data-feed]");
  if (!list) return;
  var status = document.querySelector("[data-feed-status]");
  var busy = false;
  var again = false;

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var url = list.dataset.feedUrl + "&after=" + encodeURIComponent(list.dataset.newest || "0");
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        var newest = response.headers.get("X-Feed-Newest");
        return response.text().then(function (html) { return [html, newest]; });
      })
      .then(function (result) {
        var html = result[0].trim();
        if (result[1]) list.dataset.newest = result[1];
        if (!html) return;
        var holder = document.createElement("template");
        holder.innerHTML = html;
        var items = holder.content.querySelectorAll("[data-activity-id]");
        items.forEach(function (item) {
          if (!list.querySelector('[data-activity-id="' + item.dataset.activityId + '"]')) {
            item.classList.add("is-new");
          }
        });
        list.insertBefore(holder.content, list.firstChild);
        var empty = document.querySelector("[data-feed-empty]");
        if (empty) empty.remove();
        if (status && items.length) status.textContent = status.dataset.newText || "";
      })
      .catch(function () { /* the next event or reconnection tries again */ })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  document.addEventListener("maillage:feed", refresh);
})();
