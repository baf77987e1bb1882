/* The connection page's live banner: polls the connection's progress view (JSON) and shows the
   running run's stage and counts, and the status, without a reload. Every value is set as text,
   never as HTML. Polls every 1.5 s while a run is queued or running, every 10 s otherwise (so a
   scheduled run shows up too), and stops while the tab is hidden. */
(function () {
  "use strict";
  var FAST = 1500, SLOW = 10000;

  function start() {
    var banner = document.getElementById("sync-status");
    if (!banner || !banner.dataset.progressUrl) return;
    var label = document.getElementById("sync-status-label");
    var detail = document.getElementById("sync-status-detail");
    var progress = document.getElementById("sync-progress");
    var lastRun = document.getElementById("sync-last-run");
    var wasActive = null;
    var timer = null;

    function showLastRun(run) {
      if (!run || !lastRun) return;
      var link = document.createElement("a");
      link.href = run.url;
      link.textContent = run.status;
      var outcomes = document.createElement("a");
      outcomes.href = lastRun.dataset.outcomesUrl + "?run__id__exact=" + encodeURIComponent(run.id);
      outcomes.textContent = "outcomes";
      lastRun.replaceChildren(link, ", finished " + (run.finished_at || "") + " (", outcomes, ")");
    }

    function show(data) {
      var status = data.status;
      label.textContent = status.label;
      label.style.color = status.colour;
      banner.style.borderLeftColor = status.colour;
      banner.dataset.statusCode = status.code;
      detail.textContent = status.detail;
      var run = data.active_run;
      if (run) {
        progress.textContent = "Run " + run.id + ": " + run.text;
        progress.hidden = false;
      } else {
        progress.hidden = true;
        progress.textContent = "";
      }
      if (wasActive && !run) {
        showLastRun(data.last_run); // the run just ended: its result is the page's last run now
        banner.dataset.runEnded = String(wasActive);
      }
      wasActive = run ? run.id : null;
      return Boolean(run);
    }

    function poll() {
      timer = null;
      if (document.hidden) return;
      fetch(banner.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) { schedule(show(data) ? FAST : SLOW); })
        .catch(function () { schedule(SLOW); }); // the server restarting, a lost session: try again later
    }

    function schedule(delay) {
      if (timer === null) timer = window.setTimeout(poll, delay);
    }

    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && timer === null) poll();
    });
    poll();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
