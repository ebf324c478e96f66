/** `ics()`: a feed of all-day events (with extra lines: RRULE, STATUS…) for the import suites, served by tests/helpers/icalServer.ts. */
export type Ev = { uid: string; start: string; end: string; summary?: string; extra?: string[] }
export const compact = (date: string) => date.replace(/-/g, '')
export function ics(events: Ev[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test Site//Feed//EN',
    ...events.flatMap((e) => [
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      'DTSTAMP:20260101T000000Z',
      `DTSTART;VALUE=DATE:${compact(e.start)}`,
      `DTEND;VALUE=DATE:${compact(e.end)}`,
      `SUMMARY:${e.summary ?? 'Reserved'}`,
      ...(e.extra ?? []),
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
    '',
  ].join('\r\n')
}
