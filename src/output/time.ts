/** Times as an operator's clock shows them (TZ decides), for every table that lists periods. Pure. */

const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time: `2026-12-01 19:00:00`. */
export function localTime(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The zone of a local time: `UTC`, `UTC+01:00`. */
export function zoneOf(date: Date): string {
  const offset = -date.getTimezoneOffset();
  if (offset === 0) return 'UTC';
  return `UTC${offset > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** Hours and minutes, for a chart's axis. */
export const clockTime = (date: Date) => `${pad(date.getHours())}:${pad(date.getMinutes())}`;
/** Month and day, for an axis over more than a day. */
export const monthDay = (date: Date) => `${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** Whether a window of `seconds` from `start` (ms since the epoch) ends on another local day than it starts: its
 * axis then dates its times (`04:42 ... 04:42` would not say which day). */
export const crossesMidnight = (start: number, seconds: number) => new Date(start).toDateString() !== new Date(start + seconds * 1000).toDateString();
/** Month, day and time, for an axis over more than a day: `12-02 07:00`. */
export const datedClock = (date: Date) => `${monthDay(date)} ${clockTime(date)}`;
