/**
 * `mfa doctor`'s lines that ask STS: this computer's clock against STS's, and the long-term keys as
 * STS sees them. No code is sent: an unsigned request for the clock, and GetCallerIdentity.
 */
import {stsContext} from '../aws/call-context.js'
import type {ResolvedProfile} from '../aws/profile.js'
import {maskKeyId} from '../cli/redact.js'
import {withLongTermKeys} from '../keys/long-term.js'
import {type Finding, fromError} from './finding.js'

/** More than this between this computer's clock and STS's breaks codes and signatures. */
export const MAX_SKEW_SECONDS = 120

export type Identity = (ctx: Parameters<typeof import('../session/sts.js').getCallerIdentity>[0]) => Promise<{Arn: string}>

export interface ClockCheck {
  finding: Finding
  /** STS answered: the keys and the session can be checked with it. */
  reachable: boolean
}

/** With no keys there is nothing mfa could ask STS for: no call, so no network error either. */
export const CLOCK_SKIPPED: ClockCheck = {reachable: false, finding: {check: 'clock', status: 'skipped', message: 'not compared with STS: there are no keys to call it with yet'}}

/**
 * This computer's clock against STS's Date header, from an unsigned GetCallerIdentity (STS
 * refuses it, and says when). The header counts whole seconds: the middle of that second is taken.
 */
export async function checkClock({endpoint, timeoutMs}: {endpoint: string; timeoutMs: number}): Promise<ClockCheck> {
  const check = 'clock'
  const started = Date.now()
  let date: string | null
  try {
    date = await stsDate(endpoint, timeoutMs)
  } catch (error) {
    const cause = (error as {cause?: {code?: string; message?: string}}).cause
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (cause?.code ?? cause?.message ?? (error as Error).message)
    const fix = "check your network (VPN, proxy) and AWS_ENDPOINT_URL_STS or the profile's endpoint_url"
    return {reachable: false, finding: {check, status: 'problem', message: `cannot reach STS at ${endpoint} to compare clocks: ${why}`, fix}}
  }
  const local = (started + Date.now()) / 2
  const server = date ? Date.parse(date) + 500 : NaN
  if (!Number.isFinite(server)) {
    const message = `STS at ${endpoint} answered without a Date header: the clock was not compared`
    return {reachable: true, finding: {check, status: 'warning', message, fix: 'check that AWS_ENDPOINT_URL_STS points at STS'}}
  }
  return {reachable: true, finding: await skewFinding({skewSeconds: Math.round((local - server) / 1000), endpoint})}
}

/** The Date header of STS's answer to an unsigned GetCallerIdentity. */
async function stsDate(endpoint: string, timeoutMs: number): Promise<string | null> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  })
  const date = response.headers.get('date')
  await response.body?.cancel()
  return date
}

async function skewFinding({skewSeconds, endpoint}: {skewSeconds: number; endpoint: string}): Promise<Finding> {
  const check = 'clock'
  const {describeSkew} = await import('../session/sts.js')
  if (Math.abs(skewSeconds) > MAX_SKEW_SECONDS) {
    return {
      check,
      status: 'problem',
      message: `this computer's clock is ${describeSkew(skewSeconds * 1000)} STS's: codes from mfa_process and request signatures break`,
      fix: 'set the clock right, e.g. enable NTP: timedatectl set-ntp true',
      skewSeconds,
    }
  }
  const amount = Math.abs(skewSeconds) <= 1 ? 'within 1 s of' : describeSkew(skewSeconds * 1000)
  return {check, status: 'ok', message: `this computer's clock is ${amount} STS's (${endpoint})`, skewSeconds}
}

/** The long-term keys, as STS sees them (GetCallerIdentity needs no code). */
export async function checkKeys({resolved, env, identity, reachable}: {resolved: ResolvedProfile; env: NodeJS.ProcessEnv; identity: Identity; reachable: boolean}): Promise<Finding> {
  const {keys} = resolved
  const which = `long-term keys of profile "${keys.name}" (${maskKeyId(keys.accessKeyId)})`
  if (!reachable) return {check: 'keys', status: 'ok', message: `${which} are there (not checked with STS: it cannot be reached)`}
  try {
    const who = await identity(stsContext(await withLongTermKeys(resolved), env))
    return {check: 'keys', status: 'ok', message: `${which} belong to ${who.Arn}`}
  } catch (error) {
    return fromError('keys', error)
  }
}
