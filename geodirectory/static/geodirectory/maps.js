// The small script of every page with a map (home page, directory, place page).
// - The map itself (Leaflet, its plug-ins and tiles: ~150 KB and more) loads only when the
//   map nears the viewport: a visitor who never scrolls to it downloads none of it, and
//   sends nothing to the tile server. What to load is in the element's data-* attributes
//   (geodirectory's {% map_assets %}); directory-map.js then draws it.
// - The directory's « Liste / Carte » switch (on a phone, one of them at a time) and its
//   "around me" button.
// The pages work without this script: the list is server-rendered and paginated, and the
// maps stay hidden (see directory.css).
(function () {
  "use strict";

  var loading = {};

  function load(url, kind) {
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var element;
        if (kind === "style") {
          element = document.createElement("link");
          element.rel = "stylesheet";
          element.href = url;
        } else {
          element = document.createElement("script");
          element.src = url;
          element.async = false; // run in the order they were added: Leaflet first
        }
        element.onload = resolve;
        element.onerror = reject;
        document.head.appendChild(element);
      });
    }
    return loading[url];
  }

  function words(value) {
    return (value || "").split(" ").filter(Boolean);
  }

  function start(element) {
    var files = words(element.dataset.styles).map(function (url) { return load(url, "style"); })
      .concat(words(element.dataset.scripts).map(function (url) { return load(url, "script"); }));
    Promise.all(files)
      .then(function () { window.MaillageMaps.show(element); })
      .catch(function () {
        // Offline, or blocked: the page works without its map.
        element.classList.add("map-unavailable");
      });
  }

  var maps = document.querySelectorAll("[data-map]");
  if (maps.length) {
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(
        function (entries) {
          entries.forEach(function (entry) {
            if (!entry.isIntersecting) return;
            observer.unobserve(entry.target);
            start(entry.target);
          });
        },
        // "Nears": 200 px before it scrolls into view, time enough to draw it.
        { rootMargin: "200px 0px" }
      );
      maps.forEach(function (element) { observer.observe(element); });
    } else {
      maps.forEach(start);
    }
  }

  // --- The directory's « Liste / Carte » switch ------------------------------------------
  var results = document.querySelector(".directory-results[data-view]");
  var switcher = document.querySelector("[data-view-switch]");
  if (results && switcher) {
    var buttons = switcher.querySelectorAll("button[data-show]");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        results.dataset.view = button.dataset.show;
        buttons.forEach(function (other) {
          other.setAttribute("aria-pressed", String(other === button));
        });
        // A map drawn while hidden must measure its box again.
        var map = results.querySelector("[data-map]");
        if (map && map.maillageMap) map.maillageMap.invalidateSize();
      });
    });
  }

  // --- "Around me" ------------------------------------------------------------------------
  function locateButton(button) {
    if (!("geolocation" in navigator)) return;
    button.hidden = false;
    var form = button.closest("form");
    var status = form.querySelector("[data-locate-status]");
    var label = button.textContent;
    button.addEventListener("click", function () {
      button.disabled = true;
      button.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(5);
          form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(5);
          form.querySelector("[name=q]").value = "";
          form.submit();
        },
        function () {
          button.disabled = false;
          button.textContent = label;
          if (status) {
            status.textContent = button.dataset.denied;
            status.classList.remove("visually-hidden");
          }
        },
        { timeout: 10000, maximumAge: 60000 }
      );
    });
  }

  // Typing a new place to search for forgets a previous "around me" position.
  var q = document.querySelector(".directory-search [name=q]");
  if (q) {
    q.addEventListener("input", function () {
      q.form.querySelector("[name=lat]").value = "";
      q.form.querySelector("[name=lon]").value = "";
    });
  }
  var locate = document.querySelector("[data-locate]");
  if (locate) locateButton(locate);
})();
