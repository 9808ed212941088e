// The arrangeable desktop: widgets load through htmx (hx-get on each body); this file
// adds drag and drop, and makes the move / remove / resize buttons work without a reload
// (the same forms work without JavaScript, by a full page round trip).
(function () {
  "use strict";
  if (window.htmx) {
    // Strict CSP: no inline <style> for htmx's indicators.
    window.htmx.config.includeIndicatorStyles = false;
    window.htmx.config.allowEval = false;
  }

  function token(root) {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(desktop, fields) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token(desktop));
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    return fetch(desktop.dataset.arrangeUrl, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) {
        announce(desktop, data.ok ? desktop.dataset.saved || "" : data.error || "");
        return data.ok;
      });
    }).catch(function () { return false; });
  }

  function announce(desktop, text) {
    var status = desktop.querySelector("[data-desktop-status]");
    if (status) { status.textContent = text; }
  }

  function items(list) {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > [data-widget-key]"));
  }

  function refreshButtons(list) {
    var all = items(list);
    all.forEach(function (li, i) {
      var up = li.querySelector("[data-move=up]");
      var down = li.querySelector("[data-move=down]");
      if (up) { up.disabled = i === 0; }
      if (down) { down.disabled = i === all.length - 1; }
    });
  }

  function order(list) {
    return items(list).map(function (li) { return li.dataset.widgetKey; }).join(",");
  }

  function setup(desktop) {
    if (!desktop.hasAttribute("data-arrangeable")) { return; }
    var list = desktop.querySelector("[data-widgets]");
    if (!list) { return; }
    var dragged = null;

    list.addEventListener("dragstart", function (event) {
      var li = event.target.closest && event.target.closest("[data-widget-key]");
      if (!li || li.parentNode !== list) { return; }
      dragged = li;
      li.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", li.dataset.widgetKey);
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var over = event.target.closest && event.target.closest("[data-widget-key]");
      if (!over || over === dragged || over.parentNode !== list) { return; }
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2 ||
        (event.clientY >= box.top && event.clientX > box.left + box.width / 2 && box.height < 80);
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (event) {
      if (dragged) { event.preventDefault(); }
    });
    list.addEventListener("dragend", function () {
      if (!dragged) { return; }
      dragged.classList.remove("dragging");
      dragged = null;
      refreshButtons(list);
      post(desktop, { action: "order", order: order(list) });
    });

    list.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[name=action]");
      if (!button) { return; }
      var li = button.closest("[data-widget-key]");
      if (!li) { return; }
      event.preventDefault();
      var key = li.dataset.widgetKey;
      var action = button.value;
      post(desktop, { action: action, key: key }).then(function (ok) {
        if (!ok) { return; }
        if (action === "remove") {
          li.remove();
          window.location.reload();
          return;
        }
        if (action === "up" && li.previousElementSibling) {
          list.insertBefore(li, li.previousElementSibling);
        } else if (action === "down" && li.nextElementSibling) {
          list.insertBefore(li.nextElementSibling, li);
        }
        refreshButtons(list);
        var again = li.querySelector("[data-move=" + action + "]");
        (again && !again.disabled ? again : button).focus();
      });
    });

    list.addEventListener("change", function (event) {
      var select = event.target.closest && event.target.closest("[data-size]");
      if (!select) { return; }
      var li = select.closest("[data-widget-key]");
      post(desktop, { action: "size", key: li.dataset.widgetKey, size: select.value }).then(
        function (ok) {
          if (!ok) { return; }
          li.classList.remove("widget-small", "widget-medium", "widget-large");
          li.classList.add("widget-" + select.value);
        }
      );
    });
  }

  function start() {
    document.querySelectorAll(".desktop").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
