// `npm run test:time`: the tests that print times, run again under other time zones, so that a
// test that holds only in UTC, only in the morning or only on whole-hour offsets fails here.
// Chosen afresh on every run from the clock: a zone where it is morning now, one where it is
// evening now, and the half-hour zone Asia/Kolkata (+05:30).
// test/e2e/time.test.ts adds the day boundaries (next local midnight in five zones; a year end, a
// DST change and a leap day under libfaketime) on every run.
import {spawnSync} from 'node:child_process'

const TIME_TESTS = ['test/e2e/time.test.ts', 'test/e2e/login.test.ts', 'test/e2e/roles.test.ts', 'test/e2e/doctor.test.ts', 'test/e2e/env.test.ts']

const CANDIDATES = [
  'Pacific/Pago_Pago', 'Pacific/Honolulu', 'America/Los_Angeles', 'America/Chicago', 'America/New_York',
  'America/Sao_Paulo', 'Atlantic/Azores', 'UTC', 'Europe/Berlin', 'Europe/Athens', 'Asia/Dubai',
  'Asia/Dhaka', 'Asia/Bangkok', 'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Sydney', 'Pacific/Auckland', 'Pacific/Kiritimati',
]

const hourIn = (zone, now) => Number(new Intl.DateTimeFormat('en-GB', {timeZone: zone, hour: '2-digit', hourCycle: 'h23'}).format(now))

function chooseZones(now = new Date()) {
  const morning = CANDIDATES.find(z => hourIn(z, now) >= 6 && hourIn(z, now) < 12)
  const evening = CANDIDATES.find(z => hourIn(z, now) >= 18 && hourIn(z, now) < 24)
  return [...new Set([morning, evening, 'Asia/Kolkata'].filter(Boolean))]
}

const zones = chooseZones()
const started = Date.now()
for (const zone of zones) {
  const hour = hourIn(zone, new Date())
  console.log(`\n== TZ=${zone} (local hour now: ${String(hour).padStart(2, '0')}) ==`)
  const r = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...TIME_TESTS], {
    stdio: 'inherit',
    env: {...process.env, TZ: zone},
  })
  if (r.status !== 0) {
    console.error(`test:time: the time-printing tests failed under TZ=${zone}`)
    process.exit(r.status ?? 1)
  }
}
console.log(`\ntest:time: passed under ${zones.join(', ')} in ${Math.round((Date.now() - started) / 1000)} s`)
