// Territory fields: refill the <datalist> with matching territories while the user types.
// Without this script the field still accepts an exact name or an official code.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-territory-search-url]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var kinds = (input.getAttribute("data-territory-kinds") || "").split(" ").filter(Boolean);
    var timer = null;
    var latest = 0;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2 || !list) return;
      timer = window.setTimeout(function () {
        var params = new URLSearchParams({ q: query });
        kinds.forEach(function (kind) { params.append("kind", kind); });
        var ticket = ++latest;
        fetch(input.getAttribute("data-territory-search-url") + "?" + params.toString(), {
          headers: { Accept: "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            if (ticket !== latest) return; // an older answer arriving late
            list.textContent = "";
            data.results.forEach(function (result) {
              var option = document.createElement("option");
              option.value = result.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* offline: typed names and codes still work */ });
      }, 200);
    });
  });
})();
