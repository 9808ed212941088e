// The directory's maps (Leaflet, clustered markers) and the "around me" button.
// The pages work without this script: the list is server-rendered and paginated, the map
// stays hidden. When map tiles cannot load, markers and the list still work.
(function () {
  "use strict";

  function tileLayer(map, element) {
    var layer = L.tileLayer(element.dataset.tileUrl, {
      attribution: element.dataset.tileAttribution,
      maxZoom: 19,
    });
    var warned = false;
    layer.on("tileerror", function () {
      if (warned) return;
      warned = true;
      var note = document.querySelector("[data-map-note]");
      if (note) note.textContent = element.dataset.labelTilesFailed || "";
    });
    layer.addTo(map);
  }

  function setupLeaflet() {
    L.Icon.Default.imagePath = (document.querySelector("link[href*='vendor/leaflet/leaflet.css']") || {})
      .href.replace(/leaflet\.css.*$/, "images/");
  }

  // --- One place ----------------------------------------------------------------------------
  function placeMap(element) {
    element.hidden = false;
    var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)];
    var map = L.map(element, { scrollWheelZoom: false }).setView(point, 16);
    tileLayer(map, element);
    L.marker(point, { title: element.dataset.name, alt: element.dataset.name }).addTo(map);
  }

  // --- The directory ------------------------------------------------------------------------
  function directoryMap(element) {
    element.hidden = false;
    var points = JSON.parse(element.dataset.points || "[]");
    var map = L.map(element, { scrollWheelZoom: false });
    tileLayer(map, element);
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    var markers = {}; // place id → marker, for the results on this page and those in view
    var items = {};
    document.querySelectorAll("[data-results] [data-place-id]").forEach(function (li) {
      items[li.dataset.placeId] = li;
    });

    function highlight(id, scroll) {
      Object.keys(items).forEach(function (key) {
        items[key].classList.toggle("is-highlighted", key === String(id));
      });
      var li = items[id];
      if (li && scroll) {
        li.scrollIntoView({ block: "nearest", behavior: "smooth" });
        li.focus({ preventScroll: true });
      }
    }

    function addMarker(id, lat, lon, name, url, commune) {
      if (markers[id]) return markers[id];
      var marker = L.marker([lat, lon], { title: name, alt: name, keyboard: true });
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = url;
      link.textContent = name;
      popup.appendChild(link);
      if (commune) popup.appendChild(document.createTextNode(" — " + commune));
      marker.bindPopup(popup);
      marker.on("click", function () { highlight(id, true); });
      markers[id] = marker;
      cluster.addLayer(marker);
      return marker;
    }

    points.forEach(function (p) { addMarker(p.id, p.lat, p.lon, p.name, p.url, p.commune); });
    map.addLayer(cluster);

    // The list leads: pointing at a result shows it on the map.
    Object.keys(items).forEach(function (id) {
      var li = items[id];
      function show() {
        var marker = markers[id];
        if (!marker) return;
        highlight(id, false);
        cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
      }
      li.addEventListener("mouseenter", show);
      li.addEventListener("focusin", show);
    });

    var bounds = L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; }));
    var center = element.dataset.center ? element.dataset.center.split(",").map(parseFloat) : null;
    if (center) {
      L.circleMarker(center, { radius: 7, color: "#b00020", weight: 3, fillOpacity: 0.2 })
        .bindTooltip(element.dataset.labelHere)
        .addTo(map);
      bounds.extend(center);
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    } else {
      map.setView([46.6, 2.4], 5); // metropolitan France
    }

    // Places in view, fetched by box: never the whole country when a box will do.
    var pending = null;
    function loadBox() {
      if (map.getZoom() < 8) return;
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
        .map(function (n) { return Math.max(-180, Math.min(180, n)).toFixed(5); })
        .join(",");
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(element.dataset.geojsonUrl + "?bbox=" + bbox, { signal: pending.signal })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (data) {
          data.features.forEach(function (f) {
            var c = f.geometry.coordinates;
            addMarker(String(f.id), c[1], c[0], f.properties.name, f.properties.url, f.properties.commune);
          });
        })
        .catch(function () { /* offline or aborted: the list is still there */ });
    }
    map.on("moveend", loadBox);
    loadBox();
  }

  // --- The home page's teaser: one circle per département, sized by its places ----------
  function teaserMap(element) {
    element.hidden = false;
    var rows = JSON.parse(element.dataset.points || "[]");
    var map = L.map(element, { scrollWheelZoom: false }).setView([46.6, 2.4], 5);
    tileLayer(map, element);
    rows.forEach(function (row) {
      var circle = L.circleMarker([row.lat, row.lon], {
        radius: 6 + Math.min(24, Math.sqrt(row.count) * 2),
        color: "#00557f",
        weight: 2,
        fillOpacity: 0.35,
      }).addTo(map);
      circle.bindTooltip(row.name + " : " + row.count + " " + element.dataset.labelPlaces);
      circle.on("click", function () {
        window.location.href = element.dataset.directoryUrl + "?q=" + encodeURIComponent(row.code);
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

  if (typeof L === "undefined") return; // Leaflet failed to load: the page works without it
  setupLeaflet();
  var single = document.getElementById("place-map");
  if (single) placeMap(single);
  var teaser = document.getElementById("teaser-map");
  if (teaser) teaserMap(teaser);
  var directory = document.getElementById("places-map");
  if (directory && L.markerClusterGroup) directoryMap(directory);
})();
