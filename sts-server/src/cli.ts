#!/usr/bin/env node
/**
 * Starts the local STS server for a demo, a benchmark or a test in another process:
 *
 *   node sts-server/dist/cli.js [--port N] [--fixture demo|FILE.json] [--role-session-seconds N]
 *
 * Prints exactly one line, {"url":"http://127.0.0.1:PORT"}, on stdout and nothing else; stops on
 * SIGTERM/SIGINT. The fixture file is JSON {"users": StsUser[], "roles": StsRole[]}; the default is the
 * demo fixture. Drive it with the control endpoints (/__local/calls, /__local/fault, /__local/clear,
 * /__local/code?serial=…, /__local/clock, /__local/expiry, /__local/role-session).
 */
import {readFileSync} from 'node:fs'

import {demoFixture} from './fixture.js'
import {startLocalSts} from './server.js'
import type {StsRole, StsUser} from './types.js'

function usage(message: string): never {
  process.stderr.write(`sts-server: ${message}\nusage: node sts-server/dist/cli.js [--port N] [--fixture demo|FILE.json] [--role-session-seconds N]\n`)
  process.exit(2)
}

function parseArgs(argv: string[]): {port: number; fixture: string; roleSessionSeconds?: number} {
  let port = 0
  let roleSessionSeconds: number | undefined
  let fixture = 'demo'
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = () => {
      const v = inline ?? argv[++i]
      if (v === undefined) usage(`${name} needs a value`)
      return v
    }
    if (name === '--port') {
      const v = value()
      if (!/^\d+$/.test(v) || Number(v) > 65535) usage(`invalid port: ${v}`)
      port = Number(v)
    } else if (name === '--role-session-seconds') {
      const v = value()
      if (!/^[1-9]\d*$/.test(v)) usage(`invalid seconds: ${v}`)
      roleSessionSeconds = Number(v)
    } else if (name === '--fixture') {
      fixture = value()
    } else if (name === '--help' || name === '-h') {
      process.stdout.write('usage: node sts-server/dist/cli.js [--port N] [--fixture demo|FILE.json] [--role-session-seconds N]\n')
      process.exit(0)
    } else {
      usage(`unknown argument: ${arg}`)
    }
  }
  return {port, fixture, roleSessionSeconds}
}

function loadFixture(name: string): {users: StsUser[]; roles: StsRole[]} {
  if (name === 'demo') return demoFixture()
  let data: {users?: StsUser[]; roles?: StsRole[]}
  try {
    data = JSON.parse(readFileSync(name, 'utf8')) as typeof data
  } catch (err) {
    usage(`cannot read fixture ${name}: ${err instanceof Error ? err.message : String(err)}`)
  }
  return {users: data.users ?? [], roles: data.roles ?? []}
}

const {port, fixture, roleSessionSeconds} = parseArgs(process.argv.slice(2))
const {users, roles} = loadFixture(fixture)
const server = await startLocalSts({port, users, roles, roleSessionSeconds}).catch((err: unknown) =>
  usage(`cannot listen: ${err instanceof Error ? err.message : String(err)}`),
)
process.stdout.write(JSON.stringify({url: server.url}) + '\n')

let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
