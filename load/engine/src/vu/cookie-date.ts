// A cookie's Expires date, parsed by RFC 6265 5.1.1's algorithm: servers send "Wed, 21 Oct 2015 07:28:00 GMT",
// "Wed, 21-Oct-15 07:28:00 GMT" and other variants, and browsers (and Go) accept them all. Pure arithmetic, no Date:
// the runtime relies on nothing its two sandboxes might parse differently.
import { Math, Number } from './sandbox-builtins.ts';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Milliseconds since the epoch (UTC), or undefined when `text` is not a date. */
export function parseCookieDate(text: string): number | undefined {
  let time: number[] | undefined;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  for (const token of text.split(/[\t\x20-\x2F\x3B-\x40\x5B-\x60\x7B-\x7E]+/)) {
    if (token === '') continue;
    const t = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?$/.exec(token);
    if (time === undefined && t) {
      time = [Number(t[1]), Number(t[2]), Number(t[3])];
      continue;
    }
    const d = /^(\d{1,2})(?:\D.*)?$/.exec(token);
    if (day === undefined && d) {
      day = Number(d[1]);
      continue;
    }
    const mIndex = MONTHS.indexOf(token.slice(0, 3).toLowerCase());
    if (month === undefined && mIndex >= 0) {
      month = mIndex + 1;
      continue;
    }
    const y = /^(\d{2,4})(?:\D.*)?$/.exec(token);
    if (year === undefined && y) year = Number(y[1]);
  }
  if (time === undefined || day === undefined || month === undefined || year === undefined) return undefined;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  const [h, mi, s] = time as [number, number, number];
  if (day < 1 || day > 31 || year < 1601 || h > 23 || mi > 59 || s > 59) return undefined;
  return (daysFromCivil(year, month, day) * 86400 + h * 3600 + mi * 60 + s) * 1000;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
