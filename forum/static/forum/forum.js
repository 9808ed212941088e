// Forum helpers: similar topics while a question is typed, and @mention completion.
// Both are conveniences; the forms work without them.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // --- Similar topics ---------------------------------------------------------------------
  var title = document.querySelector("input[data-similar-topics]");
  var box = document.querySelector("[data-similar-url]");
  if (title && box) {
    var list = box.querySelector("[data-similar-list]");
    title.addEventListener("input", debounce(function () {
      var q = title.value.trim();
      if (q.length < 4) { box.hidden = true; return; }
      fetch(box.dataset.similarUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (t) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = t.url;
            a.textContent = t.title;
            a.target = "_blank";
            li.appendChild(a);
            list.appendChild(li);
          });
          box.hidden = data.results.length === 0;
        })
        .catch(function () { box.hidden = true; });
    }, 300));
  }

  // --- @mentions ---------------------------------------------------------------------------
  var source = document.querySelector("[data-mentions-url]");
  var url = source && source.dataset.mentionsUrl;
  if (!url) return;
  document.querySelectorAll("textarea[data-mentions]").forEach(function (area) {
    var menu = document.createElement("ul");
    menu.className = "mention-suggestions";
    menu.hidden = true;
    menu.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", menu);

    function currentWord() {
      var before = area.value.slice(0, area.selectionStart);
      var match = /(^|\s)@([\w.-]{2,50})$/.exec(before);
      return match ? match[2] : null;
    }

    function insert(handle) {
      var before = area.value.slice(0, area.selectionStart).replace(/@[\w.-]*$/, "@" + handle + " ");
      area.value = before + area.value.slice(area.selectionStart);
      area.focus();
      area.setSelectionRange(before.length, before.length);
      menu.hidden = true;
    }

    area.addEventListener("input", debounce(function () {
      var word = currentWord();
      if (!word) { menu.hidden = true; return; }
      fetch(url + "?q=" + encodeURIComponent(word), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          menu.textContent = "";
          data.results.forEach(function (person) {
            var li = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.textContent = person.name + " (@" + person.handle + ")";
            button.addEventListener("click", function () { insert(person.handle); });
            li.appendChild(button);
            menu.appendChild(li);
          });
          menu.hidden = data.results.length === 0;
        })
        .catch(function () { menu.hidden = true; });
    }, 200));
    area.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !menu.hidden) {
        var first = menu.querySelector("button");
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Escape") {
        menu.hidden = true;
      }
    });
  });
})();
