// `npm run test:stress`: the files most prone to flakes (clocks, parallel callers, signals, real
// terminals) run 5 times in a row; the first failure stops the loop. Not part of `npm test`.
import {spawnSync} from 'node:child_process'

const FILES = [
  'test/e2e/time.test.ts',
  'test/e2e/login.test.ts',
  'test/e2e/env.test.ts',
  'test/e2e/roles.test.ts',
  'test/e2e/doctor.test.ts',
  'test/e2e/exec.test.ts',
  'test/e2e/failures.test.ts',
  'test/e2e/feedback.test.ts',
  'test/e2e/terminal.test.ts',
]
const ROUNDS = Number(process.env.STRESS_ROUNDS || 5)

const started = Date.now()
for (let round = 1; round <= ROUNDS; round++) {
  console.log(`\n== round ${round} of ${ROUNDS} ==`)
  const r = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...FILES], {stdio: 'inherit'})
  if (r.status !== 0) {
    console.error(`test:stress: round ${round} failed`)
    process.exit(r.status ?? 1)
  }
}
console.log(`\ntest:stress: ${ROUNDS} rounds passed in ${Math.round((Date.now() - started) / 1000)} s`)
