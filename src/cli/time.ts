/** "17:05" today, "Sun 29 Nov 09:05" on another day: local time, as people read a clock. */
export function localTime(date: Date, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`
  if (date.toDateString() === now.toDateString()) return hm
  const day = date.toLocaleDateString('en-GB', {weekday: 'short', day: 'numeric', month: 'short'}).replace(',', '')
  return `${day} ${hm}`
}

/** RFC 3339 in UTC with Z and no milliseconds, as STS and starship expect. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
