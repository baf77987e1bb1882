/* The mapping rows of the connection page: as soon as both fields of a row are chosen (a new row or a changed
   one), the row shows which directions the pair allows and why the others are not, and its direction select
   offers only the allowed ones. The decision is the compatibility table's, in Python: this script asks the
   directions view (data-directions-url on the inline group, JSON) and shows the answer, as text only.
   Saved rows carry their allowed directions in data-allowed; their select is narrowed on load, keeping the
   saved direction even when it is no longer allowed (the row's error says so on save). */
(function () {
  "use strict";

  function parts(row) {
    return {
      netsuite: row.querySelector("td.field-netsuite_field select"),
      app: row.querySelector("td.field-app_field select"),
      direction: row.querySelector("td.field-direction select"),
      cell: row.querySelector("td.field-allowed_directions"),
    };
  }

  // Offer only the allowed directions; when the chosen one is not among them, pick the first that is
  // (unless `keep`: a saved row's direction stays as saved). No allowed direction: offer them all, so the
  // save says why the pair is refused.
  function narrow(select, allowed, keep) {
    if (!select) return;
    var none = allowed.length === 0;
    for (var i = 0; i < select.options.length; i++) {
      var option = select.options[i];
      var offered = none || allowed.indexOf(option.value) !== -1 || (keep && option.value === select.value);
      option.disabled = !offered;
      option.hidden = !offered;
    }
    if (!none && !keep && allowed.indexOf(select.value) === -1) {
      select.value = allowed[0];
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function strong(text) {
    var element = document.createElement("strong");
    element.textContent = text;
    return element;
  }

  // The same shape as the server's directions_details(): a one-line summary that opens on the reasons.
  function verdictElement(data) {
    var details = document.createElement("details");
    details.className = "allowed-directions";
    details.dataset.allowed = data.allowed_values.join(" ");
    var summary = document.createElement("summary");
    summary.textContent = data.headline;
    var reason = document.createElement("div");
    reason.className = "reason";
    if (data.problem) {
      var problem = document.createElement("span");
      problem.className = "errornote-inline";
      problem.textContent = data.problem;
      reason.append(problem);
    } else {
      reason.append(data.allowed.length ? strong("Allowed:") : strong("Not compatible."));
      if (data.allowed.length) reason.append(" " + data.allowed.join("; "));
      if (data.refused.length) {
        reason.append(" ", strong("Not allowed:"));
        data.refused.forEach(function (text) {
          var refused = document.createElement("span");
          refused.className = "refused";
          refused.textContent = text;
          reason.append(" ", refused);
        });
      }
    }
    details.append(summary, reason);
    return details;
  }

  function show(cell, content) {
    if (!cell) return;
    if (typeof content === "string") {
      var span = document.createElement("span");
      span.className = "allowed-directions-pending";
      span.textContent = content;
      content = span;
    }
    cell.replaceChildren(content); // the whole cell: a <details> is never inside the admin's <p>
  }

  function start() {
    var group = document.querySelector(".inline-group[data-directions-url]");
    if (!group) return;
    var url = group.dataset.directionsUrl;
    var asked = new WeakMap(); // row -> the latest question, so a slow answer never overwrites a newer one

    function update(row) {
      var p = parts(row);
      if (!p.netsuite || !p.app) return;
      if (!p.netsuite.value || !p.app.value) {
        show(p.cell, "Choose both fields.");
        narrow(p.direction, [], false);
        return;
      }
      var question = {};
      asked.set(row, question);
      show(p.cell, "Checking…");
      var query = new URLSearchParams({ netsuite_field: p.netsuite.value, app_field: p.app.value });
      fetch(url + "?" + query.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (asked.get(row) !== question) return;
          show(p.cell, verdictElement(data));
          narrow(p.direction, data.allowed_values, false);
        })
        .catch(function () {
          if (asked.get(row) === question) show(p.cell, "Checked on save.");
        });
    }

    group.addEventListener("change", function (event) {
      var target = event.target;
      if (!target.matches("td.field-netsuite_field select, td.field-app_field select")) return;
      var row = target.closest("tr.form-row");
      if (row) update(row);
    });

    group.querySelectorAll("tr.form-row").forEach(function (row) {
      var details = row.querySelector("details.allowed-directions[data-allowed]");
      if (details) narrow(parts(row).direction, details.dataset.allowed.split(" ").filter(Boolean), true);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
