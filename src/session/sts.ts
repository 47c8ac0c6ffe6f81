/**
 * The calls to STS (and IAM), through the AWS SDK, loaded only on the paths that call them. Endpoint, region
 * and retries come from the SDK's own configuration (what it would read in ~/.aws handed to it by
 * src/aws/sdk-config.ts, so it parses neither file); every call is bounded in time; every SDK error
 * becomes one line that says what to do, with no secret in it.
 */
import {MfaError} from '../cli/errors.js'
import {say} from '../cli/output.js'
import type {CachedSession, StsCredentials} from './cache.js'
import {type CallContext, configuredEndpoint, stsHost} from '../aws/call-context.js'
import {sdkFileSettings} from '../aws/sdk-config.js'
import {maskKeyId, rememberSecret} from '../cli/redact.js'
import {rfc3339} from '../cli/time.js'

export type {CallContext} from '../aws/call-context.js'

/** MFA_TIMEOUT's ceiling: ten minutes is longer than any answer worth waiting for, and far below Node's timer limit (24.8 days). */
export const MAX_TIMEOUT_S = 600

/** The whole call, retries included, ends after this many seconds (MFA_TIMEOUT, default 20, at most 600). */
export function callTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.MFA_TIMEOUT)
  return Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds : 20, MAX_TIMEOUT_S) * 1000
}

/** What mfa needs of an SDK client: STSClient and IAMClient both fit. */
interface SdkClient {
  send(command: unknown, options: {abortSignal: AbortSignal}): Promise<unknown>
  destroy(): void
  config: {systemClockOffset?: number}
}
type ClientClass = new (config: object) => SdkClient

/**
 * How a call may be sent: `once` for a call that carries a one-time code (GetSessionToken,
 * AssumeRole with a code). Such a call is never retried, since STS may have taken the code with
 * the first attempt; it gets the whole MFA_TIMEOUT for its one attempt.
 */
interface Sending {
  once?: boolean
}

/**
 * The SDK's retry strategy for a call that carries a code: only a request whose signature the SDK
 * corrected for clock skew is sent again (STS checks the signature before the code, so the first
 * attempt did not spend it). Anything else (a 5xx, throttling, a reset, a timeout) may have.
 */
function retriesThatKeepTheCode(env: NodeJS.ProcessEnv): object {
  // AWS_MAX_ATTEMPTS still bounds the attempts, as it does for every other call.
  const configured = Number(env.AWS_MAX_ATTEMPTS)
  const maxAttempts = Number.isInteger(configured) && configured > 0 ? Math.min(configured, 3) : 3
  const token = (count: number) => ({getRetryCount: () => count, getRetryDelay: () => 0})
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous: ReturnType<typeof token>, info: {error?: SdkError & {$metadata?: {clockSkewCorrected?: boolean}}}) => {
      if (previous.getRetryCount() + 1 >= maxAttempts || !info.error?.$metadata?.clockSkewCorrected) throw info.error
      return token(previous.getRetryCount() + 1)
    },
    recordSuccess: () => {},
  }
}

function makeClient(Client: ClientClass, ctx: CallContext, sending: Sending, fileSettings: Record<string, unknown>): SdkClient {
  // The SDK warns on stderr that Node 20 support ends; that is for us, not for the user.
  const previous = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  try {
    const total = callTimeoutMs(ctx.env)
    return new Client({
      ...fileSettings,
      region: ctx.region,
      credentials: ctx.credentials,
      ...(ctx.endpoint ? {endpoint: ctx.endpoint} : {}),
      ...(sending.once ? {retryStrategy: retriesThatKeepTheCode(ctx.env ?? process.env)} : {}),
      requestHandler: {
        connectionTimeout: Math.min(3000, total),
        requestTimeout: sending.once ? total : Math.min(5000, total),
        throwOnRequestTimeout: true,
      },
    })
  } finally {
    if (previous === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
    else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = previous
  }
}

/**
 * One call through an SDK client: bounded by MFA_TIMEOUT (retries included), the clock skew
 * reported, every error made into one line. The SDK module loads here, on the paths that call AWS.
 */
export async function callAws<M, T>(
  load: () => Promise<M>,
  clientClass: (module: M) => unknown,
  ctx: CallContext,
  action: string,
  command: (module: M) => unknown,
  sending: Sending = {},
): Promise<T> {
  const mod = await load()
  const client = makeClient(clientClass(mod) as ClientClass, ctx, sending, await sdkFileSettings(ctx.service ?? 'STS', process.env))
  const total = callTimeoutMs(ctx.env)
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), total)
  try {
    const out = (await client.send(command(mod), {abortSignal: abort.signal})) as T
    warnSkew(client.config.systemClockOffset)
    return out
  } catch (error) {
    throw describeStsError(error, action, ctx, abort.signal.aborted ? total : undefined)
  } finally {
    clearTimeout(timer)
    client.destroy()
  }
}

function send<T>(ctx: CallContext, action: string, make: (sts: typeof import('@aws-sdk/client-sts')) => unknown, sending: Sending = {}): Promise<T> {
  return callAws(() => import('@aws-sdk/client-sts'), m => m.STSClient, ctx, action, make, sending)
}

/** Network errors that prove the request never left this machine: a code sent with it is not spent. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/** Whether a failed call's request can have reached STS (and so spent the code it carried). */
export function mayHaveReachedSts(error: unknown): boolean {
  const cause = (error as {cause?: unknown})?.cause ?? error
  return !NOT_SENT.has(networkCode(cause as SdkError) ?? '')
}

function networkCode(e: SdkError): string | undefined {
  return (e as {code?: string}).code ?? (e.cause as {code?: string} | undefined)?.code
}

let skewWarned = false
/**
 * The SDK measures the clock against STS's Date header and corrects its signatures by itself; a
 * skew that large still breaks other tools and the prompt's time left, so the user hears of it once.
 */
function warnSkew(offsetMs: number | undefined): void {
  if (skewWarned || offsetMs === undefined || Math.abs(offsetMs) < 120_000) return
  skewWarned = true
  say(`mfa: this computer's clock is ${describeSkew(-offsetMs)} AWS's; set it right (e.g. enable NTP: timedatectl set-ntp true)`)
}

/** "5 min ahead of", "90 s behind". */
export function describeSkew(localMinusServerMs: number): string {
  const s = Math.round(Math.abs(localMinusServerMs) / 1000)
  const amount = s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`
  return `${amount} ${localMinusServerMs > 0 ? 'ahead of' : 'behind'}`
}

/** What a successful call returned besides its fields: the HTTP status, for messages. */
type Answer = {$metadata?: {httpStatusCode?: number}}

/**
 * The credentials in an answer. STS never answers a success without them: an answer that lacks
 * them is a page in STS's place that happened to parse as XML (a captive portal's XHTML, whatever
 * its Content-Type), and is named as such, as an answer that does not parse is.
 */
function toCredentials(
  c: {AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date} | undefined,
  action: string,
  answer: {ctx: CallContext; out: Answer},
): StsCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !(c.Expiration instanceof Date) || Number.isNaN(c.Expiration.getTime())) {
    throw notSts(whereTo(answer.ctx), action, answer.out.$metadata?.httpStatusCode)
  }
  rememberSecret(c.SecretAccessKey)
  rememberSecret(c.SessionToken)
  return {
    AccessKeyId: c.AccessKeyId,
    SecretAccessKey: c.SecretAccessKey,
    SessionToken: c.SessionToken,
    Expiration: rfc3339(c.Expiration),
  }
}

export async function getSessionToken(ctx: CallContext, input: {serial: string; code: string; durationSeconds: number}): Promise<StsCredentials> {
  const out = await send<{Credentials?: Parameters<typeof toCredentials>[0]} & Answer>(ctx, 'GetSessionToken', m =>
    new m.GetSessionTokenCommand({SerialNumber: input.serial, TokenCode: input.code, DurationSeconds: input.durationSeconds}),
    {once: true},
  )
  return toCredentials(out.Credentials, 'GetSessionToken', {ctx, out})
}

export async function assumeRole(
  ctx: CallContext,
  input: {roleArn: string; sessionName: string; durationSeconds: number; externalId?: string; serial?: string; code?: string},
): Promise<Pick<CachedSession, 'Credentials' | 'AssumedRoleUser'>> {
  const out = await send<{Credentials?: Parameters<typeof toCredentials>[0]; AssumedRoleUser?: {Arn?: string; AssumedRoleId?: string}} & Answer>(ctx, 'AssumeRole', m =>
    new m.AssumeRoleCommand({
      RoleArn: input.roleArn,
      RoleSessionName: input.sessionName,
      DurationSeconds: input.durationSeconds,
      ExternalId: input.externalId,
      SerialNumber: input.serial,
      TokenCode: input.code,
    }),
    {once: input.code !== undefined},
  )
  const user = out.AssumedRoleUser
  return {
    Credentials: toCredentials(out.Credentials, 'AssumeRole', {ctx, out}),
    AssumedRoleUser: user?.Arn && user.AssumedRoleId ? {Arn: user.Arn, AssumedRoleId: user.AssumedRoleId} : undefined,
  }
}

export async function getCallerIdentity(ctx: CallContext): Promise<{Arn: string; Account: string; UserId: string}> {
  const out = await send<{Arn?: string; Account?: string; UserId?: string} & Answer>(ctx, 'GetCallerIdentity', m => new m.GetCallerIdentityCommand({}))
  if (!out.Arn || !out.Account || !out.UserId) throw notSts(whereTo(ctx), 'GetCallerIdentity', out.$metadata?.httpStatusCode)
  return {Arn: out.Arn, Account: out.Account, UserId: out.UserId}
}

interface SdkError {
  name?: string
  message?: string
  code?: string
  Code?: string
  $fault?: string
  $metadata?: {httpStatusCode?: number; attempts?: number}
  $response?: {statusCode?: number; headers?: Record<string, string>; body?: unknown}
  cause?: unknown
}

/** The endpoint a failed call went to, for messages (never carries credentials). */
function endpointLabel(ctx: CallContext): string {
  const service = ctx.service ?? 'STS'
  return configuredEndpoint(service, ctx.endpoint, ctx.env ?? process.env) ?? (service === 'IAM' ? 'iam.amazonaws.com' : stsHost(ctx.region))
}

/** One line for the user; the SDK's error stays attached as the cause, for MFA_DEBUG. */
export function describeStsError(error: unknown, action: string, ctx: CallContext, timedOutAfterMs?: number): MfaError {
  if (error instanceof MfaError) return error
  const described = describeSdkError(error, action, ctx, timedOutAfterMs)
  Object.defineProperty(described, 'cause', {value: error, enumerable: false, configurable: true})
  return described
}

/** What a failed SDK call tells, read once for the messages below. */
interface Failure {
  e: SdkError
  name: string
  message: string
  status?: number
  network?: string
  /** Where the call went, and the variable that sets it. */
  endpoint: string
  envVar: string
  svc: string
  afterRetries: string
}

/** The service a call went to, where, and the variable that sets where. */
function whereTo(ctx: CallContext): Pick<Failure, 'svc' | 'endpoint' | 'envVar'> {
  const svc = ctx.service ?? 'STS'
  return {svc, endpoint: endpointLabel(ctx), envVar: `AWS_ENDPOINT_URL_${svc}`}
}

function readFailure(error: unknown, ctx: CallContext): Failure {
  const e = (error ?? {}) as SdkError
  const attempts = e.$metadata?.attempts
  return {
    e,
    name: e.name ?? e.Code ?? e.code ?? '',
    message: (e.message ?? '').trim(),
    status: e.$metadata?.httpStatusCode ?? e.$response?.statusCode,
    network: networkCode(e),
    ...whereTo(ctx),
    afterRetries: attempts && attempts > 1 ? ` after ${attempts} attempts` : '',
  }
}

/** The endpoint answered, but not as the service does: a captive portal, a proxy's page, a wrong endpoint. */
function notSts({svc, endpoint, envVar}: Pick<Failure, 'svc' | 'endpoint' | 'envVar'>, action: string, status?: number): MfaError {
  return new MfaError(`the endpoint ${endpoint} answered ${action} with something that is not ${svc}${status ? ` (HTTP ${status})` : ''}`, {
    hint: `A captive portal, proxy or wrong ${envVar}? Sign in to the network or fix the endpoint, then try again.`,
  })
}

function describeSdkError(error: unknown, action: string, ctx: CallContext, timedOutAfterMs?: number): MfaError {
  const f = readFailure(error, ctx)
  return (
    unreachable(f, action, timedOutAfterMs) ??
    refused(f, action, ctx) ??
    serviceAnswer(f, action) ??
    new MfaError(`${f.svc} ${action} failed: ${firstLine(f.message) || f.name || 'unknown error'}${f.status ? ` (HTTP ${f.status})` : ''}`)
  )
}

/** No answer: a timeout, or the network between here and the endpoint. */
function unreachable({name, message, network, svc, endpoint, envVar}: Failure, action: string, timedOutAfterMs?: number): MfaError | undefined {
  // A reset is an answer of sorts: the connection was made and then broken, often by a proxy.
  if (network === 'ECONNRESET' || network === 'EPIPE' || /socket hang up/i.test(message)) {
    return new MfaError(`the connection to ${svc} at ${endpoint} was reset before it answered ${action}`, {
      hint: `A proxy, VPN or firewall may be cutting it; check them and ${envVar}.`,
    })
  }
  if (timedOutAfterMs !== undefined || name === 'AbortError' || name === 'TimeoutError' || network === 'ETIMEDOUT' || /timed? ?out/i.test(message)) {
    const seconds = timedOutAfterMs === undefined ? '' : ` within ${Math.round(timedOutAfterMs / 1000)} s`
    return new MfaError(`${svc} at ${endpoint} did not answer ${action}${seconds}`, {
      hint: `Check your network (VPN, proxy) and ${envVar}; MFA_TIMEOUT sets the limit in seconds.`,
      exitCode: 1,
    })
  }
  if (network === 'ECONNREFUSED' || network === 'ENOTFOUND' || network === 'EAI_AGAIN' || network === 'EHOSTUNREACH' || network === 'ENETUNREACH') {
    const why: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ENOTFOUND: 'host not found',
      EAI_AGAIN: 'name lookup failed',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
    }
    return new MfaError(`cannot reach ${svc} at ${endpoint}: ${why[network]}`, {
      hint: `Check your network (VPN, proxy) and ${envVar} or the profile's endpoint_url.`,
    })
  }
  return undefined
}

/** The request was refused for what it carried: a region, a code, keys, a token, a clock. */
function refused({e, name, message, svc}: Failure, action: string, ctx: CallContext): MfaError | undefined {
  if (/Region not accepted|valid hostname component/i.test(message)) {
    return new MfaError(`"${ctx.region}" is not an AWS region name`, {hint: 'Fix region in the profile, or AWS_REGION, e.g. eu-west-1.'})
  }
  if (name === 'AccessDenied' && /MultiFactorAuthentication/i.test(message)) {
    return new MfaError('STS refused the MFA code: it is wrong, expired, or was already used', {
      hint: 'A code works only once: wait for the next code from your device (up to 30 s) and try again.',
    })
  }
  if (name === 'InvalidClientTokenId' && !ctx.credentials.sessionToken) {
    return new MfaError(`${svc} does not know the access key ${maskKeyId(ctx.credentials.accessKeyId)} of profile "${ctx.profile}" (deleted, deactivated or mistyped)`, {
      hint: ctx.keysInKeyring
        ? `Store the profile's current key with \`mfa keys add -p ${ctx.profile}\`, or create a new key in IAM.`
        : `Check aws_access_key_id in [${ctx.profile}] of your credentials file, or create a new key in IAM.`,
    })
  }
  if (name === 'SignatureDoesNotMatch' && !/expired/i.test(message)) {
    return new MfaError(`${svc} rejected the signature: the secret key of profile "${ctx.profile}" does not match its access key ${maskKeyId(ctx.credentials.accessKeyId)}`, {
      hint: ctx.keysInKeyring
        ? `The OS keyring holds another secret for it: store the key again with \`mfa keys add -p ${ctx.profile}\`.`
        : `Check aws_secret_access_key in [${ctx.profile}] of your credentials file.`,
    })
  }
  if (name === 'ExpiredToken' || (name === 'InvalidClientTokenId' && ctx.credentials.sessionToken)) {
    return new MfaError(`the MFA session used for ${action} has expired or was revoked`, {
      hint: 'Run the command again with --force to start a new session.',
    })
  }
  if (name === 'RequestExpired' || /signature expired|request has expired|RequestTimeTooSkewed/i.test(message)) {
    const date = e.$response?.headers?.date ?? e.$response?.headers?.Date
    const skew = date ? Date.now() - Date.parse(date) : NaN
    const by = Number.isFinite(skew) ? ` ${describeSkew(skew)} AWS's` : ' off'
    return new MfaError(`this computer's clock is${by}, so ${svc} rejected the request as expired`, {
      hint: 'Set the clock right (e.g. enable NTP: `timedatectl set-ntp true`) and try again.',
    })
  }
  return undefined
}

/** The service (or something in its place) answered with trouble of its own or a refusal. */
function serviceAnswer({name, message, status, svc, endpoint, envVar, afterRetries, e}: Failure, action: string): MfaError | undefined {
  if (name === 'Throttling' || name === 'ThrottlingException' || name === 'TooManyRequestsException' || status === 429) {
    return new MfaError(`${svc} is throttling requests${afterRetries}`, {hint: 'Wait a minute and try again.'})
  }
  if ((status !== undefined && status >= 500) || e.$fault === 'server') {
    return new MfaError(`${svc} failed with HTTP ${status ?? '5xx'}${name && name !== 'Error' && name !== 'UnknownError' ? ` (${name})` : ''}${afterRetries}`, {
      hint: `${svc} or a proxy in between has a problem; try again in a minute.`,
    })
  }
  if (name === 'AccessDenied') {
    return new MfaError(`${svc} denied ${action}: ${firstLine(message)}`, {
      hint: action === 'AssumeRole' ? 'Check the role ARN, external_id, and that the role trusts your user with MFA.' : undefined,
    })
  }
  if (name === 'ValidationError') {
    return new MfaError(`${svc} rejected ${action}: ${firstLine(message)}`)
  }
  // An error STS itself answered with (its XML parsed, its code named): reported as STS says it.
  // "Unknown" is the SDK's name for an error answer in which it found no code: a page, not STS.
  if (status !== undefined && status >= 400 && e.$fault === 'client' && /^[A-Z][A-Za-z0-9.]*$/.test(name) && !UNNAMED.has(name) && !/deserializ/i.test(message)) {
    return new MfaError(`${svc} refused ${action}: ${name}${message ? `: ${firstLine(message)}` : ''}`, {
      hint: name === 'RegionDisabledException' ? `Activate ${svc} in this region (IAM account settings) or use another region.` : undefined,
    })
  }
  // Deserialization failures: the endpoint answered, but not as STS does (a captive portal, a proxy page).
  if (/deserializ|Unexpected token|Expected closing|non-whitespace|char '|not valid XML|Invalid character|must start with/i.test(message) || e.$response || (status !== undefined && status < 300)) {
    return notSts({svc, endpoint, envVar}, action, status)
  }
  return undefined
}

/** The names the SDK gives an error answer in which it found no error code of the service's. */
const UNNAMED = new Set(['Unknown', 'UnknownError'])

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300)
}
