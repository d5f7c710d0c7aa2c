/* offres: progressive enhancement only. Without this file every feature still works:
   the search and facet forms are plain GET forms and every state is a link. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  var wide = window.matchMedia && window.matchMedia("(min-width: 50em)").matches;

  /* Facet panel: a <details> after the results, closed on phones (the "Filtres" button
     at the top opens it as a sheet), open in the left column on wide screens. */
  var panel = document.querySelector("[data-facets]");
  if (panel && wide) { panel.open = true; }
  var toggle = document.querySelector(".filters-toggle");
  if (panel && toggle) {
    /* The "toggle" event of <details> comes a task later: the script's own changes say
       their state at once, so the button never announces a stale one. */
    var expanded = function () {
      toggle.setAttribute("aria-expanded", panel.open ? "true" : "false");
    };
    toggle.setAttribute("role", "button");
    expanded();
    panel.addEventListener("toggle", expanded);
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      panel.open = true;
      expanded();
      panel.querySelector("summary").focus();
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && panel.open && !wide) {
        panel.open = false;
        expanded();
        toggle.focus();
      }
    });
  }

  /* Copy a link (and share it where the device can): buttons shown only with the script. */
  function copied(tools, text) {
    var status = tools.querySelector(".copy-status");
    if (status) { status.textContent = text; }
  }
  function copyText(text, tools) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(
        function () { copied(tools, "Lien copié."); },
        function () { copyByHand(text, tools); });
    } else {
      copyByHand(text, tools);
    }
  }
  function copyByHand(text, tools) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(field);
    copied(tools, ok ? "Lien copié." : "Copiez le lien depuis la barre d’adresse.");
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-share-tools]"), function (tools) {
    tools.hidden = false;
    var copy = tools.querySelector("[data-copy]");
    if (copy) {
      copy.addEventListener("click", function () { copyText(copy.getAttribute("data-copy"), tools); });
    }
    var share = tools.querySelector("[data-share]");
    if (share && navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: share.getAttribute("data-share-title"),
                          url: share.getAttribute("data-share") }).catch(function () {});
      });
    }
  });

  /* The offer's place on a small map (Leaflet, served with the site's static files). */
  var mapBox = document.getElementById("carte");
  if (mapBox && window.L) {
    var point = [parseFloat(mapBox.getAttribute("data-lat")), parseFloat(mapBox.getAttribute("data-lon"))];
    var map = window.L.map(mapBox, { scrollWheelZoom: false }).setView(point, 15);
    map.attributionControl.setPrefix("");
    var tiles = mapBox.getAttribute("data-tiles");
    if (tiles) {
      window.L.tileLayer(tiles, { maxZoom: 19,
        attribution: "© contributeurs d’OpenStreetMap" }).addTo(map);
    }
    window.L.circleMarker(point, { radius: 9, weight: 3, color: "#0b5394",
                                   fillColor: "#c2410c", fillOpacity: 0.9 }).addTo(map);
    mapBox.classList.add("map-ready");
  }

  /* Ticking a facet goes straight to the URL the server built for that toggle. */
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box && box.matches && box.matches("input[type=checkbox][data-toggle-url]")) {
      window.location.assign(box.getAttribute("data-toggle-url"));
    }
  });

  /* Suggestions while typing: the ARIA 1.2 combobox pattern (focus stays in the input). */
  var combo = document.querySelector("[data-suggest]");
  var input = combo && combo.querySelector("input");
  if (!combo || !input || !window.fetch) { return; }

  var endpoint = combo.getAttribute("data-suggest");
  var list = document.createElement("ul");
  list.id = "q-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  combo.appendChild(list);
  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  combo.appendChild(live);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  var timer = null;
  var controller = null;
  var items = [];
  var active = -1;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function select(index) {
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(suggestions) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items = suggestions.map(function (s, i) {
      var li = document.createElement("li");
      li.id = "q-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-url", s.url);
      var kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = s.kind;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" " + s.label + " "));
      if (s.detail) {
        var detail = document.createElement("span");
        detail.className = "suggestion-detail";
        detail.textContent = s.detail;
        li.appendChild(detail);
      }
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      li.addEventListener("click", function () { window.location.assign(s.url); });
      list.appendChild(li);
      return li;
    });
    active = -1;
    if (items.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      live.textContent = items.length + (items.length > 1 ? " suggestions" : " suggestion");
    } else {
      close();
      live.textContent = "";
    }
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    if (text.length < 2) { render([]); return; }
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    var url = endpoint + "?q=" + encodeURIComponent(text);
    fetch(url, { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) {
        if (input.value.trim() === text && document.activeElement === input) {
          render(data.suggestions || []);
        }
      })
      .catch(function () { /* offline or aborted: the form still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 180);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden || !items.length) {
      if (event.key === "ArrowDown" && input.value.trim().length >= 2) { fetchSuggestions(); }
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      select(active + 1 < items.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      select(active > 0 ? active - 1 : items.length - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.assign(items[active].getAttribute("data-url"));
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  input.addEventListener("blur", function () { window.setTimeout(close, 120); });
})();
