// Progressive enhancement of the directory search: the results map, "use my
// location", and the focus and filters panel kept across a search's update.
// The page works without this file.
(function () {
  "use strict";

  var PHONE = "(max-width: 48rem)";

  function drawMap() {
    var element = document.getElementById("results-map");
    var data = document.getElementById("map-points");
    if (!element || !data || typeof L === "undefined" || element.dataset.drawn) return;
    element.dataset.drawn = "1";
    var points = JSON.parse(data.textContent);
    var map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tiles) {
      // The page's Referrer-Policy sends no Referer to other sites; tile
      // servers such as OpenStreetMap's require one, and get the origin only.
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 18, attribution: element.dataset.attribution || "",
        referrerPolicy: "strict-origin"
      }).addTo(map);
    }
    var bounds = [];
    points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], { radius: 7, weight: 2 }).addTo(map);
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.name;
      marker.bindPopup(link);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length === 1) map.setView(bounds[0], 11);
    else map.fitBounds(bounds, { padding: [20, 20] });
  }

  function enableLocation() {
    var button = document.getElementById("use-my-location");
    if (!button || !navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = document.getElementById("search-form");
        ["lat", "lon"].forEach(function (name) {
          var input = form.querySelector("input[name=" + name + "]");
          if (!input) {
            input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            form.appendChild(input);
          }
          input.value = name === "lat" ? position.coords.latitude.toFixed(4)
                                       : position.coords.longitude.toFixed(4);
        });
        var near = document.getElementById("id_near");
        if (near) near.value = "";
        form.requestSubmit();
      });
    });
  }

  // Wide screens show the filters whatever the panel's state; browsers that
  // cannot style a closed <details> that way get it opened.
  function openFiltersOnWideScreens() {
    var filters = document.getElementById("filters");
    if (!filters || window.matchMedia(PHONE).matches) return;
    if (window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) return;
    filters.open = true;
  }

  // A search's update replaces the form: the panel is reopened if it was open,
  // and the focus goes back to the control used (same id), which the panel
  // must show first to be focusable.
  var before = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target.id !== "search") return;
    var filters = document.getElementById("filters");
    var active = document.activeElement;
    before = {
      open: filters ? filters.open : false,
      focused: active && active !== document.body && active.id ? active.id : null
    };
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "search" || !before) return;
    var filters = document.getElementById("filters");
    if (filters && before.open) filters.open = true;
    var control = before.focused && document.getElementById(before.focused);
    if (control && control !== document.activeElement) control.focus({ preventScroll: true });
    before = null;
  });

  function init() { openFiltersOnWideScreens(); drawMap(); enableLocation(); }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
