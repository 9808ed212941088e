// The directory's maps (Leaflet, clustered markers), loaded with Leaflet by maps.js when a
// map nears the viewport, which then calls MaillageMaps.show(element). When map tiles
// cannot load, markers and the list still work.
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

  // Leaflet's marker pictures by their hashed names (Leaflet would guess plain ones).
  function setupIcons(element) {
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: element.dataset.icon,
      iconRetinaUrl: element.dataset.iconRetina,
      shadowUrl: element.dataset.iconShadow,
    });
  }

  // --- One place ----------------------------------------------------------------------------
  function placeMap(element) {
    var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)];
    var map = L.map(element, { scrollWheelZoom: false }).setView(point, 16);
    tileLayer(map, element);
    L.marker(point, { title: element.dataset.name, alt: element.dataset.name }).addTo(map);
    return map;
  }

  // --- The directory ------------------------------------------------------------------------
  // A cluster's marker says how many places it holds, in words: « 3 lieux ».
  function clusterIcon(element) {
    var label = element.dataset.labelCluster || "{count}";
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      var outer = document.createElement("div");
      var shown = document.createElement("span");
      shown.setAttribute("aria-hidden", "true");
      shown.textContent = count;
      var spoken = document.createElement("span");
      spoken.className = "visually-hidden";
      spoken.textContent = label.replace("{count}", count);
      outer.appendChild(shown);
      outer.appendChild(spoken);
      return L.divIcon({
        html: outer.outerHTML,
        className: "marker-cluster marker-cluster-" + size,
        iconSize: L.point(40, 40),
      });
    };
  }

  function directoryMap(element) {
    var points = JSON.parse(element.dataset.points || "[]");
    var map = L.map(element, { scrollWheelZoom: false });
    tileLayer(map, element);
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      iconCreateFunction: clusterIcon(element),
    });
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
    return map;
  }

  // --- The home page's teaser: one circle per département, sized by its places ----------
  function teaserMap(element) {
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
    return map;
  }

  var draw = { place: placeMap, teaser: teaserMap, directory: directoryMap };

  window.MaillageMaps = {
    show: function (element) {
      if (typeof L === "undefined" || element.maillageMap) return;
      var kind = element.dataset.map;
      if (!draw[kind] || (kind === "directory" && !L.markerClusterGroup)) return;
      setupIcons(element);
      element.classList.add("map-ready");
      element.maillageMap = draw[kind](element);
    },
  };
})();
