"""The independent readers themselves: each places times with the document's own
VTIMEZONEs, so that a wrong VTIMEZONE shows as a wrong time."""

from datetime import UTC, datetime

import pytest

from tests.calendars.libical_reader import read_with_libical
from tests.calendars.parsers import read_with_icaljs, read_with_vobject

UNTIL = datetime(2030, 1, 1, tzinfo=UTC)

# Europe/Paris as no tzdata has it: UTC+5 all year, and one change to UTC+7.
FAKE = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Agora//readers test//EN\r
BEGIN:VTIMEZONE\r
TZID:Europe/Paris\r
BEGIN:STANDARD\r
DTSTART:20200101T000000\r
TZOFFSETFROM:+0500\r
TZOFFSETTO:+0500\r
TZNAME:FAKE\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:20270601T000000\r
TZOFFSETFROM:+0500\r
TZOFFSETTO:+0700\r
TZNAME:FAKE2\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:fake-zone@readers.test\r
DTSTAMP:20260101T000000Z\r
DTSTART;TZID=Europe/Paris:20270110T100000\r
DTEND;TZID=Europe/Paris:20270110T110000\r
RRULE:FREQ=MONTHLY;COUNT=6\r
EXDATE;TZID=Europe/Paris:20270210T100000\r
SUMMARY:Fake zone\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:fake-zone@readers.test\r
DTSTAMP:20260101T000000Z\r
RECURRENCE-ID;TZID=Europe/Paris:20270310T100000\r
DTSTART;TZID=Europe/Paris:20270311T120000\r
DTEND;TZID=Europe/Paris:20270311T130000\r
SUMMARY:Fake zone\\, moved\r
END:VEVENT\r
END:VCALENDAR\r
"""

EXPECTED = [
    ("fake-zone@readers.test", "2027-01-10T05:00:00Z", "2027-01-10T06:00:00Z"),
    ("fake-zone@readers.test", "2027-03-11T07:00:00Z", "2027-03-11T08:00:00Z"),
    ("fake-zone@readers.test", "2027-04-10T05:00:00Z", "2027-04-10T06:00:00Z"),
    ("fake-zone@readers.test", "2027-05-10T05:00:00Z", "2027-05-10T06:00:00Z"),
    ("fake-zone@readers.test", "2027-06-10T03:00:00Z", "2027-06-10T04:00:00Z"),
]


@pytest.mark.parametrize("reader", [read_with_libical, read_with_icaljs, read_with_vobject])
def test_readers_use_the_documents_vtimezone_not_their_own_zone_data(reader):
    read = reader(FAKE, UNTIL)
    assert read["occurrences"] == EXPECTED
    moved = read["events"][("fake-zone@readers.test", "2027-03-10T05:00:00Z")]
    assert (moved["start"], moved["summary"]) == ("2027-03-11T07:00:00Z", "Fake zone, moved")


def test_libical_refuses_a_tzid_without_its_vtimezone():
    start = FAKE.index(b"BEGIN:VTIMEZONE")
    end = FAKE.index(b"END:VTIMEZONE\r\n") + len(b"END:VTIMEZONE\r\n")
    with pytest.raises(AssertionError, match="no VTIMEZONE"):
        read_with_libical(FAKE[:start] + FAKE[end:], UNTIL)


def test_libical_reports_what_breaks_rfc_5546():
    publish = FAKE.replace(b"VERSION:2.0\r\n", b"VERSION:2.0\r\nMETHOD:PUBLISH\r\n")
    errors = read_with_libical(publish, UNTIL)["errors"]
    assert any("ORGANIZER" in error for error in errors), errors
    assert read_with_libical(FAKE, UNTIL)["errors"] == []
