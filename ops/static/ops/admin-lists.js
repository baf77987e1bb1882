/* The filter sidebar of every admin changelist, folded into a "Filters" toggle.
 *
 * Folded by default, so the filters never take the columns' width at a laptop's 1400 px; opened or
 * folded, the choice is kept in localStorage for every list. Loaded in <head> (not deferred) so the
 * page never flashes the sidebar before folding it. A filtered list says so on the folded toggle
 * ("Filters · 1 active"), so nobody reads a filtered list as the whole. */
(function () {
  "use strict";
  var KEY = "contactsync.admin.filtersOpen";
  var root = document.documentElement;

  function readOpen() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (e) {
      return false; // storage refused (private mode): folded, as by default
    }
  }

  function writeOpen(open) {
    try {
      window.localStorage.setItem(KEY, open ? "1" : "0");
    } catch (e) {
      /* not remembered: the toggle still works on this page */
    }
  }

  function activeFilters(sidebar) {
    // A section is active when its selected choice is not its first one ("All").
    var count = 0;
    sidebar.querySelectorAll("ul").forEach(function (list) {
      var selected = list.querySelector("li.selected");
      if (selected && selected !== list.querySelector("li")) {
        count += 1;
      }
    });
    return count;
  }

  function setOpen(button, open) {
    root.classList.toggle("filters-folded", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  if (!readOpen()) {
    root.classList.add("filters-folded");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sidebar = document.getElementById("changelist-filter");
    if (!sidebar) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.id = "changelist-filter-toggle";
    button.className = "button";
    button.setAttribute("aria-controls", "changelist-filter");
    var active = activeFilters(sidebar);
    button.textContent = active ? "Filters · " + active + " active" : "Filters";
    if (active) {
      button.classList.add("has-active");
    }
    setOpen(button, readOpen());
    button.addEventListener("click", function () {
      var open = root.classList.contains("filters-folded");
      setOpen(button, open);
      writeOpen(open);
    });
    var bar = document.createElement("div");
    bar.className = "filters-toggle-bar";
    bar.appendChild(button);
    // Beside the search box when there is one (no extra line); else above the list.
    var toolbar = document.getElementById("toolbar");
    if (toolbar) {
      toolbar.classList.add("has-filters-toggle");
      toolbar.appendChild(bar);
      return;
    }
    var container = document.querySelector("#changelist .changelist-form-container") || sidebar.parentNode;
    container.insertBefore(bar, container.firstChild);
  });
})();
