/**
 * Tests that need a tool the machine may lack (zsh, fish, the AWS CLI, tmux) skip with a visible
 * reason on a user's machine; with CI=true a missing tool is a failure.
 */
import {accessSync, constants} from 'node:fs'
import {delimiter, join} from 'node:path'

export function which(tool: string): string | undefined {
  if (tool.startsWith('/')) {
    try {
      accessSync(tool, constants.X_OK)
      return tool
    } catch {
      return undefined
    }
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, tool)
    try {
      accessSync(path, constants.X_OK)
      return path
    } catch {}
  }
  return undefined
}

/**
 * `describe` when every tool is there; otherwise a skipped block whose name says what is missing,
 * or, under CI, a failing test.
 */
export function describeWith(tools: string[], name: string, body: () => void): void {
  const missing = tools.filter(t => !which(t))
  if (missing.length === 0) {
    describe(name, body)
  } else if (process.env.CI === 'true' || process.env.CI === '1') {
    describe(name, () => {
      test(`needs ${missing.join(', ')}`, () => {
        throw new Error(`CI must install ${missing.join(', ')} (see .ci/run)`)
      })
    })
  } else {
    // eslint-disable-next-line no-console
    console.warn(`skipping "${name}": ${missing.join(', ')} not installed`)
    describe.skip(`${name} [skipped: ${missing.join(', ')} not installed]`, body)
  }
}

/** The AWS CLI v2 from Debian; a v1 `aws` from pip may come first on PATH, so its path is fixed. */
export const AWS_CLI = '/usr/bin/aws'
