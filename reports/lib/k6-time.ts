// k6's JSON output stamps points with RFC 3339 times carrying nanoseconds and a zone offset
// ("2017-05-09T14:34:45.625742514+02:00"). Date.parse on every point is the slowest part of a report build, so the
// whole-second part is parsed once per second of run and the fraction is added by hand.
let cachedKey = '';
let cachedEpochMs = NaN;

export function parseK6Time(text: string): number {
  // Zone designator: 'Z' or ±hh:mm at the end.
  const zoneStart = text.endsWith('Z') ? text.length - 1 : text.length - 6;
  const key = text.slice(0, 19) + text.slice(zoneStart);
  if (key !== cachedKey) {
    cachedKey = key;
    cachedEpochMs = Date.parse(key);
  }
  let fraction = 0;
  if (text.charCodeAt(19) === 46 /* . */) {
    const digits = text.slice(20, Math.min(zoneStart, 23)); // milliseconds are enough
    fraction = Number(digits.padEnd(3, '0'));
  }
  return cachedEpochMs + fraction;
}
