/** "17:05" today, "Sun 29 Nov 09:05" on another day: local time, as people read a clock. */
export function localTime(date: Date, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`
  if (date.toDateString() === now.toDateString()) return hm
  const day = date.toLocaleDateString('en-GB', {weekday: 'short', day: 'numeric', month: 'short'}).replace(',', '')
  return `${day} ${hm}`
}

/**
 * RFC 3339 in UTC with Z and no milliseconds, as STS and starship expect. Written out from the UTC
 * fields: the first toISOString of a process looks up the local time zone (~0.25 ms of every `mfa
 * env`). Outside years 1000 to 9999 (and for an invalid date, which throws) toISOString's own form.
 */
export function rfc3339(date: Date): string {
  const year = date.getUTCFullYear()
  if (!(year >= 1000 && year <= 9999)) return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${year}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`
}
