/**
 * The generated check of README's `--json` shapes: each ```text json-shape COMMAND block is parsed
 * and the real output of `mfa COMMAND --json` (bin/run.cjs against the local STS server) must fit
 * it, field for field: nothing missing, nothing undocumented, every value of the documented kind.
 */
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ROOT} from '../helpers/cli.js'
import {documentedShapes, misfits, parseShape} from '../helpers/json-shape.js'
import {makeWorld, type World} from '../helpers/world.js'

const shapes = documentedShapes(readFileSync(join(ROOT, 'README.md'), 'utf8'))

let world: World
beforeAll(async () => {
  world = await makeWorld()
})
afterAll(() => world.close())

const json = async (argv: string[], env = world.env()) => JSON.parse((await world.mfa([...argv, '--json'], {env})).stdout) as unknown

test('README documents doctor, devices and status', () => {
  expect(Object.keys(shapes).sort()).toEqual(['devices', 'doctor', 'status'])
})

test('the check can fail: a missing field, an undocumented one, a value of another kind', () => {
  const shape = parseShape('{a: string, b?: true, c: "x"|"y", d: [{e: number}]}')
  expect(misfits({a: 's', c: 'x', d: [{e: 1}]}, shape)).toEqual([])
  expect(misfits({a: 1, b: false, c: 'z', d: [{e: 1, f: 2}], g: 0}, shape)).toEqual([
    '$.g: not in the documented shape',
    '$.a: 1 is not a string',
    '$.b: false is not true',
    '$.c: "z" fits none of the alternatives',
    '$.d[0].f: not in the documented shape',
  ])
})

test('status --json: no session, then a valid one, from STS and from the cache', async () => {
  const outputs = [await json(['status'])]
  expect((await world.mfa(['login', '-t', await world.freshCode()])).code).toBe(0)
  outputs.push(await json(['status']), await json(['status', '--offline']))
  expect(outputs.map(o => (o as {state: string}).state)).toEqual(['none', 'valid', 'valid'])
  for (const output of outputs) expect(misfits(output, shapes.status)).toEqual([])
})

test('doctor --json: with a session, and on a first run (clock skipped)', async () => {
  await world.mfa(['login', '-t', await world.freshCode()])
  expect(misfits(await json(['doctor']), shapes.doctor)).toEqual([])
  const first = await makeWorld()
  try {
    rmSync(join(first.home, '.aws'), {recursive: true})
    const report = await json(['doctor'], first.env())
    expect(misfits(report, shapes.doctor)).toEqual([])
    expect(JSON.stringify(report)).toContain('"status":"skipped"')
  } finally {
    await first.close()
  }
})

test('devices --json: as IAM lists them, and a guess', async () => {
  const listed = await json(['devices'])
  expect(listed).toEqual([expect.objectContaining({serialNumber: expect.any(String), enableDate: expect.any(String)})])
  expect(misfits(listed, shapes.devices)).toEqual([])
  world.sts.addUser({
    userName: 'alice',
    accountId: '210987654321',
    arn: 'arn:aws:iam::210987654321:user/team/alice',
    accessKeyId: 'AKIAALICE00000000000',
    secretAccessKey: 'alicesecret'.padEnd(40, 'a'),
    iamDenied: true,
  })
  writeFileSync(join(world.home, 'alice'), `[default]\naws_access_key_id = AKIAALICE00000000000\naws_secret_access_key = ${'alicesecret'.padEnd(40, 'a')}\n`)
  const guessed = await json(['devices'], world.env({AWS_SHARED_CREDENTIALS_FILE: join(world.home, 'alice')}))
  expect(guessed).toEqual([expect.objectContaining({guessed: true})])
  expect(misfits(guessed, shapes.devices)).toEqual([])
})
