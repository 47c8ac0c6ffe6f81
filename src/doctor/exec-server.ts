/**
 * `mfa doctor`'s exec_server line. Inside a command of `mfa exec --server`: whether its endpoint
 * answers. Elsewhere: whether an endpoint can serve on 127.0.0.1 (a test endpoint, answered and
 * closed), who would be asked for a code when the MFA session ends, and whether a proxy setting
 * would send the SDKs' requests for the endpoint elsewhere.
 */
import type {Finding} from './finding.js'
import {MfaError} from '../cli/errors.js'
import {chooseDriver} from '../session/ask-code.js'
import {CONTAINER_VARS} from '../exec-server/env.js'
import {startCredentialServer} from '../exec-server/http.js'

const TIMEOUT_MS = 2000

async function get(url: string, token: string): Promise<{status: number; body: string}> {
  const r = await fetch(url, {headers: {Authorization: token}, signal: AbortSignal.timeout(TIMEOUT_MS)})
  return {status: r.status, body: await r.text()}
}

function proxyWarning(env: NodeJS.ProcessEnv): string | undefined {
  const proxy = env.HTTP_PROXY || env.http_proxy
  if (!proxy) return undefined
  const bypass = (env.NO_PROXY || env.no_proxy || '').split(',').map(s => s.trim())
  return bypass.some(b => b === '*' || b === '127.0.0.1' || b === '127.0.0.0/8') ? undefined : 'HTTP_PROXY is set and NO_PROXY does not name 127.0.0.1'
}

export async function checkExecServer(options: {env: NodeJS.ProcessEnv; serial?: string; profile: string; promptSetting?: string; mfaProcess?: string}): Promise<Finding> {
  const check = 'exec_server'
  const {env} = options
  const url = env[CONTAINER_VARS.uri]
  if (url && env.MFA_PROFILE) {
    try {
      const r = await get(url, env[CONTAINER_VARS.token] ?? '')
      if (r.status === 200) return {check, status: 'ok', message: `this shell runs under mfa exec --server: its endpoint ${url} answers`}
      const message = (JSON.parse(r.body) as {Message?: string}).Message ?? `HTTP ${r.status}`
      return {check, status: 'problem', message: `the endpoint of mfa exec --server answers HTTP ${r.status}: ${message.replace(/^mfa: /, '')}`, fix: `run \`mfa login${options.profile === 'default' ? '' : ` -p ${options.profile}`}\` in another terminal`}
    } catch {
      return {check, status: 'problem', message: `the endpoint of mfa exec --server (${url}) does not answer`, fix: 'it lives as long as the mfa exec --server that started this shell: start a new one'}
    }
  }
  let server: Awaited<ReturnType<typeof startCredentialServer>> | undefined
  try {
    server = await startCredentialServer(async () => {
      throw new MfaError('doctor')
    })
    const r = await get(server.url, server.token)
    if (r.status !== 400) throw new Error(`HTTP ${r.status}`)
  } catch (error) {
    return {check, status: 'problem', message: `mfa exec --server cannot serve on 127.0.0.1: ${(error as Error).message}`, fix: 'check the loopback interface and any local firewall'}
  } finally {
    await server?.close()
  }
  const proxy = proxyWarning(env)
  if (proxy) return {check, status: 'warning', message: `mfa exec --server can serve on 127.0.0.1, but ${proxy}: some SDKs would ask the proxy for it`, fix: 'add 127.0.0.1 to NO_PROXY'}
  let asks = 'mfa_process'
  if (!options.mfaProcess || options.promptSetting) {
    try {
      asks = `a ${chooseDriver({prompt: options.promptSetting, terminal: false, serial: options.serial ?? '', profile: options.profile}, env).name} dialog`
    } catch {
      asks = ''
    }
  }
  return asks
    ? {check, status: 'ok', message: `mfa exec --server can serve on 127.0.0.1; when the MFA session ends, ${asks} gives the code`}
    : {check, status: 'ok', message: 'mfa exec --server can serve on 127.0.0.1; when the MFA session ends, it answers that `mfa login` is to be run in another terminal (or set mfa_prompt_driver)'}
}
