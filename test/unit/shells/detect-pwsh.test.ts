/**
 * pwsh installed as a .NET global tool runs as `dotnet …/pwsh.dll`: its process is named dotnet.
 * A stand-in with that shape (a copy of tail named dotnet, following a file named pwsh.dll) is the
 * parent mfa sees; the real pwsh is in test/e2e/powershell.test.ts.
 */
import {spawn} from 'node:child_process'
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {detectShell} from '../../../src/shells/index.js'
import {which} from '../../helpers/tools.js'

const tail = which('tail')
const linux = process.platform === 'linux'
const NAME = 'detectShell: pwsh as `dotnet pwsh.dll`'

;(tail && linux ? describe : describe.skip)(tail && linux ? NAME : `${NAME} [skipped: needs Linux /proc and tail]`, () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfa-dotnet-'))
    copyFileSync(tail!, join(dir, 'dotnet'))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  /** Starts `dotnet DLL -f` (tail following DLL) and returns its pid once it runs as dotnet. */
  async function dotnet(dll: string): Promise<{pid: number; stop: () => void}> {
    const path = join(dir, dll)
    writeFileSync(path, '')
    const child = spawn(join(dir, 'dotnet'), [path, '-f'], {stdio: 'ignore'})
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve)
      child.once('error', reject)
    })
    return {pid: child.pid!, stop: () => child.kill('SIGKILL')}
  }

  test('dotnet running pwsh.dll is PowerShell', async () => {
    const p = await dotnet('pwsh.dll')
    try {
      expect(detectShell({ppid: p.pid, env: {SHELL: '/bin/bash'}})).toBe('powershell')
    } finally {
      p.stop()
    }
  })

  test('dotnet running another program is not: $SHELL decides', async () => {
    const p = await dotnet('pwsh-helper.dll')
    try {
      expect(detectShell({ppid: p.pid, env: {SHELL: '/bin/bash'}})).toBe('bash')
    } finally {
      p.stop()
    }
  })
})
