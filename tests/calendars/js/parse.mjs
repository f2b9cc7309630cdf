// Read an iCalendar document on stdin and print what ical.js understands of it as JSON:
// every VEVENT (UTC instants) and the occurrences of recurring events up to a limit.
// Usage: node parse.mjs [until-ISO-UTC] < file.ics
//        node parse.mjs until-ISO-UTC --many < documents.json
// The second form reads a JSON array of documents and prints an array of readings; each
// document is read with its own VTIMEZONEs only.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const until = ICAL.Time.fromJSDate(new Date(process.argv[2] || "2030-01-01T00:00:00Z"), true);
const input = readFileSync(0, "utf8");
const many = process.argv[3] === "--many";
const readings = (many ? JSON.parse(input) : [input]).map(read);
process.stdout.write(JSON.stringify(many ? readings : readings[0]));

function instant(time) {
  if (!time) return null;
  if (time.isDate) return time.toString();
  return time.toJSDate().toISOString().replace(".000Z", "Z");
}

function read(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));

  ICAL.TimezoneService.reset();
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }

  const events = [];
  const byUid = new Map();
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    // Given no exceptions, ical.js ties every RECURRENCE-ID of the calendar to each
    // event, whatever its UID; they are tied below, within each UID, as clients do.
    const event = new ICAL.Event(vevent, { exceptions: [] });
    const categories = vevent.getAllProperties("categories").flatMap((p) => p.getValues());
    events.push({
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      location: event.location,
      status: vevent.getFirstPropertyValue("status"),
      sequence: event.sequence,
      url: vevent.getFirstPropertyValue("url"),
      categories,
      start: instant(event.startDate),
      end: instant(event.endDate),
      tzid: event.startDate && event.startDate.zone ? event.startDate.zone.tzid : null,
      recurrence_id: instant(event.recurrenceId),
      recurring: event.isRecurring(),
      property_names: vevent.getAllProperties().map((p) => p.name.toUpperCase()),
    });
    if (!byUid.has(event.uid)) byUid.set(event.uid, []);
    byUid.get(event.uid).push(event);
  }

  const occurrences = [];
  for (const [uid, group] of byUid) {
    const master = group.find((e) => !e.isRecurrenceException());
    if (!master || !master.isRecurring()) continue;
    for (const exception of group.filter((e) => e.isRecurrenceException())) {
      master.relateException(exception);
    }
    const iterator = master.iterator();
    let next;
    let count = 0;
    while ((next = iterator.next()) && next.compare(until) < 0 && count < 5000) {
      const details = master.getOccurrenceDetails(next);
      occurrences.push({
        uid,
        recurrence_id: instant(details.recurrenceId),
        start: instant(details.startDate),
        end: instant(details.endDate),
      });
      count += 1;
    }
  }

  return {
    method: calendar.getFirstPropertyValue("method"),
    name: calendar.getFirstPropertyValue("name") || calendar.getFirstPropertyValue("x-wr-calname"),
    timezones: calendar.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid")),
    events,
    occurrences,
  };
}
