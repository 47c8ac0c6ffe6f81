/**
 * Help, and the files generated from the commands: every command explains itself (summary,
 * description, examples, a line for each flag), `mfa help CMD` and `mfa CMD --help` show it, and
 * README's command reference and oclif.manifest.json are what the commands generate now.
 */
import {copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ROOT, mfa, run} from '../helpers/cli.js'

interface ManifestFlag {
  name: string
  hidden?: boolean
  summary?: string
  description?: string
  type: string
}
interface ManifestCommand {
  id: string
  hidden?: boolean
  summary?: string
  description?: string
  examples?: unknown[]
  flags: Record<string, ManifestFlag>
  args: Record<string, {description?: string}>
}

const MANIFEST = join(ROOT, 'oclif.manifest.json')
const manifest = () => JSON.parse(readFileSync(MANIFEST, 'utf8')) as {version: string; commands: Record<string, ManifestCommand>}
const OCLIF = join(ROOT, 'node_modules', '.bin', 'oclif')

let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mfa-help-'))
})
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

/** The oclif developer CLI, without its check for a newer version of itself. */
const oclif = (args: string[], cwd = ROOT) =>
  run(OCLIF, args, {cwd, env: {PATH: process.env.PATH, HOME: scratch, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}, timeoutMs: 60_000})

const env = () => ({PATH: process.env.PATH, HOME: scratch, LANG: 'C.UTF-8'})

describe('every command explains itself', () => {
  const commands = Object.values(manifest().commands).filter(c => !c.hidden)

  test.each(commands.map(c => [c.id, c] as const))('%s: summary, description, examples, flag and argument help', (_id, c) => {
    expect(c.summary?.trim()).toBeTruthy()
    expect(c.summary!.length).toBeLessThanOrEqual(100)
    expect(c.description?.trim()).toBeTruthy()
    expect(c.examples?.length).toBeGreaterThan(0)
    for (const flag of Object.values(c.flags).filter(f => !f.hidden)) {
      expect([flag.name, (flag.summary ?? flag.description ?? '').trim()]).toEqual([flag.name, expect.stringMatching(/\S/)])
    }
    for (const [name, arg] of Object.entries(c.args)) expect([name, arg.description?.trim()]).toEqual([name, expect.stringMatching(/\S/)])
  })

  test.each(['login', 'env', 'init', 'status', 'exec', 'doctor'])('`mfa help %s` and `mfa CMD --help` show the same help', async id => {
    const c = manifest().commands[id]
    const [viaHelp, viaFlag] = await Promise.all([mfa(['help', id], {env: env()}), mfa([id, '--help'], {env: env()})])
    expect(viaHelp.stderr).toBe('')
    expect(viaHelp.code).toBe(0)
    expect(viaFlag).toMatchObject({code: 0, stdout: viaHelp.stdout, stderr: ''})
    const text = viaHelp.stdout
    expect(text.startsWith(`${c.summary}\n`)).toBe(true)
    expect(text).toMatch(new RegExp(`^USAGE\\n {2}\\$ mfa ${id}`, 'm'))
    expect(text).toMatch(/^DESCRIPTION$/m)
    expect(text).toMatch(/^EXAMPLES$/m)
    if (Object.values(c.flags).some(f => !f.hidden)) expect(text).toMatch(/^FLAGS$/m)
    // Hidden flags stay hidden.
    expect(text).not.toContain('--debug')
  })

  test('`mfa --help` and `mfa help` list the commands with their summaries', async () => {
    const [top, help] = await Promise.all([mfa(['--help'], {env: env()}), mfa(['help'], {env: env()})])
    expect(top.code).toBe(0)
    expect(help.stdout).toBe(top.stdout)
    const summaryStart = (c: ManifestCommand) => c.summary!.split(' ').slice(0, 3).join(' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    for (const c of Object.values(manifest().commands).filter(c => !c.hidden && !c.id.includes(':'))) {
      expect(top.stdout).toMatch(new RegExp(`^ {2}${c.id} +${summaryStart(c)}`, 'm'))
    }
    // A topic (mfa keys ...) is listed with its description; its own help lists its commands.
    expect(top.stdout).toMatch(/^ {2}keys +Long-term keys in the OS keyring/m)
    const keys = await mfa(['keys', '--help'], {env: env()})
    for (const c of Object.values(manifest().commands).filter(c => c.id.startsWith('keys:'))) {
      expect(keys.stdout).toMatch(new RegExp(`^ {2}${c.id.replace(':', ' ')} +${summaryStart(c)}`, 'm'))
    }
  })
})

describe('generated files are fresh', () => {
  /** The `mfa/0.1.0 linux-x64 node-v20.1.2` line of the usage section depends on the machine. */
  const normalise = (text: string) => text.replace(/^mfa\/\S+ \S+ node-v\S+$/gm, 'mfa/VERSION PLATFORM NODE')

  test("README's command reference is what `npm run readme` makes of the commands", async () => {
    const copy = join(scratch, 'README.md')
    copyFileSync(join(ROOT, 'README.md'), copy)
    const r = await oclif(['readme', '--no-source-links', '--readme-path', copy])
    expect(r.code).toBe(0)
    const committed = readFileSync(join(ROOT, 'README.md'), 'utf8')
    expect(committed).toContain('<!-- commands -->')
    // On failure: run `npm run readme` and commit README.md.
    expect(normalise(committed)).toBe(normalise(readFileSync(copy, 'utf8')))
  })

  test('oclif.manifest.json is what `oclif manifest` makes of the built commands', async () => {
    const dir = join(scratch, 'manifest')
    mkdirSync(dir)
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
    // A copy: the manifest records each command's path relative to the package, through symlinks.
    cpSync(join(ROOT, 'dist'), join(dir, 'dist'), {recursive: true})
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
    // In the copy's directory: `oclif manifest` first deletes oclif.manifest.json of its working directory.
    const r = await oclif(['manifest', '.'], dir)
    expect(r.code).toBe(0)
    // On failure: `npm run build` writes it; commit it.
    expect(JSON.parse(readFileSync(join(dir, 'oclif.manifest.json'), 'utf8'))).toEqual(manifest())
  })

  // `npm test` builds first, which rewrites oclif.manifest.json: in CI (a clean clone) a difference
  // from the committed file means the commit carries a stale manifest.
  const ci = process.env.CI === 'true' || process.env.CI === '1'
  ;(ci ? test : test.skip)('the committed oclif.manifest.json is the one the build makes (CI)', async () => {
    const git = await run('git', ['show', 'HEAD:oclif.manifest.json'], {env: {PATH: process.env.PATH}})
    expect(git.code).toBe(0)
    expect(JSON.parse(git.stdout)).toEqual(manifest())
  })
})
