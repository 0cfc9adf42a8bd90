// Read iCalendar text on stdin with ical.js (Thunderbird's parser) and print what it understood
// as JSON, for tests/test_invites.py. Several VCALENDARs may follow one another on stdin: one
// node process reads a whole batch.
//
// Output: a JSON array, one entry per VCALENDAR:
//   {"method": "REQUEST",
//    "events": [{"uid", "sequence", "status", "start", "end", "start_zone", "end_zone"}],
//    "offsets": {"Europe/London": {"2029-03-31": 0, ...}}}
// start and end are Unix seconds as ical.js computes them from the file's own VTIMEZONE;
// *_zone is the zone ical.js resolved ("floating" when the file lacks the definition). offsets
// holds, for each VTIMEZONE, the UTC offset in seconds that ical.js derives at 12:00 local time
// on every day from MARGIN days (argv[2], default 365) before the first event in that zone to
// MARGIN days after the last.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const margin = Number(process.argv[2] ?? 365);
const parsed = ICAL.parse(readFileSync(0, "utf8"));
// ICAL.parse returns one jCal array for one VCALENDAR, and a list of them for several.
const roots = typeof parsed[0] === "string" ? [parsed] : parsed;

function isoDate(time) {
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
}

function dailyOffsets(zone, first, last) {
  const offsets = {};
  const day = new ICAL.Time({ year: first.year, month: first.month, day: first.day, hour: 12 });
  day.adjust(-margin, 0, 0, 0);
  const end = new ICAL.Time({ year: last.year, month: last.month, day: last.day, hour: 12 });
  end.adjust(margin, 0, 0, 0);
  while (day.compare(end) <= 0) {
    offsets[isoDate(day)] = zone.utcOffset(day);
    day.adjust(1, 0, 0, 0);
  }
  return offsets;
}

const output = roots.map((jcal) => {
  const calendar = new ICAL.Component(jcal);
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      start: event.startDate.toUnixTime(),
      end: event.endDate.toUnixTime(),
      start_zone: event.startDate.zone.tzid,
      end_zone: event.endDate.zone.tzid,
      local: [event.startDate, event.endDate],
    };
  });
  const offsets = {};
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    const tzid = vtimezone.getFirstPropertyValue("tzid");
    const times = events.flatMap((e) => e.local.filter((t) => t.zone.tzid === tzid));
    if (times.length === 0) continue;
    times.sort((a, b) => a.compare(b));
    offsets[tzid] = dailyOffsets(calendar.getTimeZoneByID(tzid), times[0], times.at(-1));
  }
  for (const e of events) delete e.local;
  return { method: calendar.getFirstPropertyValue("method"), events, offsets };
});
process.stdout.write(JSON.stringify(output));
