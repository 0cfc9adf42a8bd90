/* Roundtable's one script, an enhancement only: every page says everything without it.
 *
 * 1. Beside each event time (<time class="event-time" datetime="…" data-ends="…">, written in the
 *    event's own zone with its UTC offset), add the same time in the reader's own zone.
 * 2. A link in an error summary moves focus to its field and shows the field's label too.
 */
(function () {
  "use strict";

  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function clock(d) { return pad(d.getHours()) + ":" + pad(d.getMinutes()); }

  function day(d, withYear) {
    return DAYS[d.getDay()] + " " + d.getDate() + " " + MONTHS[d.getMonth()] +
      (withYear ? " " + d.getFullYear() : "");
  }

  function offsetLabel(minutes) {  // as the server writes it: UTC+1, UTC−3:30, UTC+0
    var sign = minutes < 0 ? "\u2212" : "+", abs = Math.abs(minutes), rest = abs % 60;
    return "UTC" + sign + Math.floor(abs / 60) + (rest ? ":" + pad(rest) : "");
  }

  function writtenOffset(iso) {  // the offset an ISO 8601 time was written with, in minutes
    var m = /([+-])(\d\d):(\d\d)$/.exec(iso || "");
    if (!m) { return /Z$/.test(iso || "") ? 0 : null; }
    return (m[1] === "-" ? -1 : 1) * (parseInt(m[2], 10) * 60 + parseInt(m[3], 10));
  }

  function readersZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  }

  function showLocalTimes() {
    var zone = readersZone();
    document.querySelectorAll("time.event-time[datetime]").forEach(function (el) {
      var startIso = el.getAttribute("datetime"), endIso = el.getAttribute("data-ends");
      var start = new Date(startIso), end = endIso ? new Date(endIso) : null;
      if (isNaN(start.getTime()) || (end && isNaN(end.getTime()))) { return; }
      var note = document.createElement("span");
      note.className = "local-time d-block";
      var same = -start.getTimezoneOffset() === writtenOffset(startIso) &&
        (!end || -end.getTimezoneOffset() === writtenOffset(endIso));
      if (same) {
        note.textContent = "The same time where you are" + (zone ? " (" + zone + ")" : "") + ".";
      } else {
        var text = day(start, true) + ", " + clock(start);
        if (end) {
          text += start.toDateString() === end.toDateString() ?
            "\u2013" + clock(end) : " \u2013 " + day(end, false) + " " + clock(end);
        }
        note.textContent = "Your time: " + text + " (" + (zone ? zone + ", " : "") +
          offsetLabel(-start.getTimezoneOffset()) + ")";
      }
      el.parentNode.appendChild(note);
    });
  }

  function linkErrorSummary() {
    var summary = document.querySelector(".error-summary");
    // Its autofocus has done this where the browser honours autofocus outside form fields.
    if (summary && document.activeElement === document.body) { summary.focus(); }
    document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        var label = document.querySelector("label[for='" + field.id + "']");
        (label || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
    });
  }

  function start() {
    showLocalTimes();
    linkErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
