/**
 * A local server that speaks the real STS (and a sliver of IAM) query protocol, for tests, the demo and
 * the benchmark. It checks SigV4 signatures, session tokens, expirations, TOTP codes and clock skew the
 * way AWS does, so a client that works against it has been kept honest. Only Node's standard library.
 */
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {createHash, randomBytes, randomInt, randomUUID} from 'node:crypto'
import type {AddressInfo} from 'node:net'

import {
  AuthFormatError,
  canonicalRequest,
  computeSignature,
  formatAmzDate,
  headerValues,
  parseAmzDate,
  parseAuthorization,
  type ParsedAuthorization,
  sha256Hex,
  signaturesEqual,
} from './sigv4.js'
import {base32Encode, matchTotp, totp} from './totp.js'
import {CAPTIVE_PORTAL_HTML, IAM_NS, STS_NS, el, errorXml, isoSeconds, successXml, type XmlNode} from './xml.js'
import type {ExpiryRule, Fault, FaultRule, LocalSts, LocalStsOptions, MfaDevice, StsCall, StsRole, StsUser} from './types.js'

export const STS_VERSION = '2011-06-15'
export const IAM_VERSION = '2010-05-08'
/** How far a request's timestamp may be from the server's clock (AWS: 5 minutes). */
export const MAX_SKEW_MS = 5 * 60 * 1000
const MAX_BODY_BYTES = 1024 * 1024

export const MESSAGES = {
  mfaFailed: 'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
  mfaBoth: 'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.',
  invalidToken: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
  badSignature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  chained: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
  maxSession: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
} as const

/** An error answered in the service's ErrorResponse format. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message)
  }
}

type Service = 'sts' | 'iam'

interface UserState {
  user: StsUser
  userId: string // AIDA…
  enableDate: number // when its devices were "enabled" (server time at addUser)
}

interface RoleState {
  role: StsRole
  name: string
  partition: string
  accountId: string
  roleId: string // AROA…
}

/** What an access key stands for. */
interface KeyRecord {
  accessKeyId: string
  secretAccessKey: string
  kind: 'user' | 'session' | 'role'
  user: UserState // the IAM user at the origin of the chain
  sessionToken?: string
  expiresAt?: number // server ms
  mfa: boolean // made with MFA (or chained from a session made with MFA)
  createdAt?: number // server ms, for a user's long-term keys
  role?: {state: RoleState; sessionName: string; assumedRoleArn: string}
}

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function randomString(alphabet: string, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}

/** A stable AWS-looking unique id (AIDA…/AROA…, 21 chars) for an ARN. */
function stableId(prefix: string, arn: string): string {
  return prefix + base32Encode(createHash('sha256').update(arn).digest()).slice(0, 17)
}

function arnParts(arn: string): {partition: string; accountId: string; resource: string} {
  const parts = arn.split(':')
  return {partition: parts[1] ?? 'aws', accountId: parts[4] ?? '', resource: parts.slice(5).join(':')}
}

/** The query and form parameters, the action, and the service and key the request names (checked later by authenticate). */
function requestParams(req: IncomingMessage, rawQuery: string, body: Buffer): {params: URLSearchParams; action: string; service: Service; accessKeyId: string} {
  const params = new URLSearchParams(rawQuery)
  const contentType = String(req.headers['content-type'] ?? '')
  if (req.method === 'POST' && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v)
  }
  let accessKeyId = ''
  let service: Service = params.get('Version') === IAM_VERSION ? 'iam' : 'sts'
  const authHeader = req.headers.authorization
  if (authHeader) {
    try {
      const parsed = parseAuthorization(authHeader)
      accessKeyId = parsed.accessKeyId
      if (parsed.service === 'iam') service = 'iam'
      else if (parsed.service === 'sts') service = 'sts'
    } catch {
      // reported by authenticate()
    }
  }
  return {params, action: params.get('Action') ?? '', service, accessKeyId}
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'Request body too large'))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function validationMessage(errors: string[]): string {
  return `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`
}

/** Checks for the query parameters STS validates; collects messages as AWS words them. */
class Validator {
  readonly errors: string[] = []
  constructor(private readonly params: URLSearchParams) {}

  string(
    name: string,
    field: string,
    opts: {required?: boolean; min?: number; max?: number; pattern?: RegExp; patternText?: string},
  ): string | undefined {
    const v = this.params.get(name)
    if (v === null) {
      if (opts.required) this.errors.push(`Value null at '${field}' failed to satisfy constraint: Member must not be null`)
      return undefined
    }
    if (opts.min !== undefined && v.length < opts.min) {
      this.errors.push(
        `Value '${v}' at '${field}' failed to satisfy constraint: Member must have length greater than or equal to ${opts.min}`,
      )
    } else if (opts.max !== undefined && v.length > opts.max) {
      this.errors.push(
        `Value '${v}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${opts.max}`,
      )
    } else if (opts.pattern && !opts.pattern.test(v)) {
      this.errors.push(
        `Value '${v}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${opts.patternText}`,
      )
    }
    return v
  }

  integer(name: string, field: string, min: number, max: number): number | undefined {
    const v = this.params.get(name)
    if (v === null) return undefined
    if (!/^-?\d+$/.test(v.trim())) {
      this.errors.push(`Value '${v}' at '${field}' failed to satisfy constraint: Member must be a number`)
      return undefined
    }
    const n = Number(v)
    if (n < min) {
      this.errors.push(
        `Value '${n}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      )
    } else if (n > max) {
      this.errors.push(
        `Value '${n}' at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      )
    }
    return n
  }

  mfa(): {serial?: string; code?: string} {
    const serial = this.string('SerialNumber', 'serialNumber', {
      min: 9,
      max: 256,
      pattern: /^[\w+=/:,.@-]*$/,
      patternText: '[\\w+=/:,.@-]*',
    })
    const code = this.string('TokenCode', 'tokenCode', {min: 6, max: 6, pattern: /^\d*$/, patternText: '[\\d]*'})
    return {serial, code}
  }

  check(): void {
    if (this.errors.length > 0) throw new ApiError(400, 'ValidationError', validationMessage(this.errors))
  }
}

class LocalStsServer implements LocalSts {
  url = ''
  port = 0
  readonly calls: StsCall[] = []
  private offsetMs: number
  private readonly users = new Map<string, UserState>() // by accessKeyId
  private readonly keys = new Map<string, KeyRecord>() // every access key: users' and issued
  private readonly roles = new Map<string, RoleState>() // by arn
  private readonly lastUsedCounter = new Map<string, number>() // by MFA serial
  private faults: FaultRule[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      // Only reached on a bug or a broken socket: answer 500 if still possible.
      if (!res.headersSent && !res.destroyed) {
        this.sendError(res, 'sts', new ApiError(500, 'InternalFailure', String(err)), randomUUID())
      }
    })
  })
  private closed = false
  private roleSessionSeconds: number | undefined
  /** Set by setExpiry: the moment issued credentials end, instead of after their duration. */
  private expiry: ExpiryRule | undefined
  private readonly issueSecrets: LocalStsOptions['issueSecrets']

  constructor(options: LocalStsOptions) {
    this.offsetMs = options.clockOffsetMs ?? 0
    this.issueSecrets = options.issueSecrets
    this.setRoleSessionSeconds(options.roleSessionSeconds)
    for (const u of options.users ?? []) this.addUser(u)
    for (const r of options.roles ?? []) this.addRole(r)
    // Outlive the SDK's keep-alive sockets (default 5 s would race with their reuse).
    this.server.keepAliveTimeout = 60_000
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    const addr = this.server.address() as AddressInfo
    this.port = addr.port
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
    this.url = `http://${shownHost}:${addr.port}`
  }

  // ---- public API --------------------------------------------------------------------------------

  now(): number {
    return Date.now() + this.offsetMs
  }

  setRoleSessionSeconds(seconds: number | undefined): void {
    if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0)) throw new Error('roleSessionSeconds must be a positive integer')
    this.roleSessionSeconds = seconds
  }

  setClockOffset(ms: number): void {
    this.offsetMs = ms
  }

  setExpiry(rule: ExpiryRule | undefined): void {
    if (rule !== undefined && !Number.isFinite(rule.at)) throw new Error('setExpiry: at must be a time in ms')
    this.expiry = rule && {...rule}
  }

  expireIssued(): void {
    const now = this.now()
    for (const key of this.keys.values()) if (key.kind !== 'user') key.expiresAt = Math.min(key.expiresAt ?? now, now)
  }

  count(action: string, filter?: (c: StsCall) => boolean): number {
    return this.calls.filter((c) => (action === '*' || c.action === action) && (!filter || filter(c))).length
  }

  fail(rule: FaultRule): void {
    validateFaultRule(rule)
    this.faults.push({...rule, fault: {...rule.fault}, actions: rule.actions ? [...rule.actions] : undefined})
  }

  clearFaults(): void {
    this.faults = []
  }

  code(serial: string, at?: number): string {
    const device = this.findDevice(serial)
    if (!device) throw new Error(`no MFA device ${serial}`)
    return totp(device.secret, at ?? this.now())
  }

  addUser(u: StsUser): void {
    for (const [key, state] of this.users) {
      if (state.user.arn === u.arn || key === u.accessKeyId) {
        this.users.delete(key)
        this.keys.delete(key)
      }
    }
    const state: UserState = {
      user: {...u, mfaDevices: (u.mfaDevices ?? []).map((d) => ({...d}))},
      userId: stableId('AIDA', u.arn),
      enableDate: this.now(),
    }
    this.users.set(u.accessKeyId, state)
    this.keys.set(u.accessKeyId, {
      accessKeyId: u.accessKeyId,
      secretAccessKey: u.secretAccessKey,
      kind: 'user',
      user: state,
      mfa: false,
    })
  }

  addRole(r: StsRole): void {
    const {partition, accountId, resource} = arnParts(r.arn)
    if (!resource.startsWith('role/')) throw new Error(`not a role ARN: ${r.arn}`)
    const name = resource.split('/').pop() ?? ''
    this.roles.set(r.arn, {role: {...r}, name, partition, accountId, roleId: stableId('AROA', r.arn)})
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    await done
  }

  // ---- request handling --------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/'
    const q = rawUrl.indexOf('?')
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q)
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1)

    if (rawPath === '/__local' || rawPath.startsWith('/__local/')) {
      await this.control(req, res, rawPath, rawQuery)
      return
    }

    const requestId = randomUUID()
    const at = this.now()
    let body: Buffer
    try {
      body = await readBody(req)
    } catch (err) {
      if (err instanceof ApiError) this.sendError(res, 'sts', err, requestId)
      return
    }

    const {params, action, service, accessKeyId} = requestParams(req, rawQuery, body)
    const call: StsCall = {action, accessKeyId, ok: false, at, userAgent: String(req.headers['user-agent'] ?? '')}
    this.calls.push(call)

    const fault = this.takeFault(action)
    if (fault && (await this.applyFault(fault, {req, res, service, call, requestId}))) return

    try {
      const caller = this.authenticate(req, rawPath, rawQuery, body)
      const result = this.dispatch(service, action, params, caller)
      call.ok = true
      const ns = service === 'iam' ? IAM_NS : STS_NS
      this.send(res, 200, successXml(ns, action, result, requestId), 'text/xml', requestId)
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError(500, 'InternalFailure', String(err))
      call.code = apiError.code
      this.sendError(res, service, apiError, requestId)
    }
  }

  /** Acts out a fault the test asked for; true when the request is answered (or dropped) by it. */
  private async applyFault(
    fault: Fault,
    {req, res, service, call, requestId}: {req: IncomingMessage; res: ServerResponse; service: Service; call: StsCall; requestId: string},
  ): Promise<boolean> {
    switch (fault.kind) {
      case 'status': {
        const code = fault.code ?? defaultCodeForStatus(fault.status)
        call.code = code
        this.sendError(res, service, new ApiError(fault.status, code, fault.message ?? defaultMessageForCode(code)), requestId)
        return true
      }
      case 'throttle':
        call.code = 'Throttling'
        this.sendError(res, service, new ApiError(400, 'Throttling', 'Rate exceeded'), requestId)
        return true
      case 'hang':
        call.code = 'Fault:hang'
        return true // the socket stays open until close()
      case 'reset':
        call.code = 'Fault:reset'
        req.socket.destroy()
        return true
      case 'garbage':
        call.code = 'Fault:garbage'
        this.send(res, fault.status ?? 200, fault.body ?? CAPTIVE_PORTAL_HTML, fault.contentType ?? 'text/html; charset=utf-8', requestId)
        return true
      case 'slow':
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            this.timers.delete(t)
            resolve()
          }, fault.delayMs)
          this.timers.add(t)
        })
        return this.closed || res.destroyed
    }
  }

  private send(res: ServerResponse, status: number, body: string, contentType: string, requestId: string): void {
    if (res.destroyed) return
    const buf = Buffer.from(body, 'utf8')
    res.writeHead(status, {
      'x-amzn-RequestId': requestId,
      Date: new Date(this.now()).toUTCString(),
      'Content-Type': contentType,
      'Content-Length': String(buf.length),
    })
    res.end(buf)
  }

  private sendError(res: ServerResponse, service: Service, err: ApiError, requestId: string): void {
    const ns = service === 'iam' ? IAM_NS : STS_NS
    this.send(res, err.status, errorXml(ns, err.type, err.code, err.message, requestId), 'text/xml', requestId)
  }

  private takeFault(action: string): Fault | undefined {
    const idx = this.faults.findIndex((r) => !r.actions || r.actions.includes(action))
    if (idx < 0) return undefined
    const rule = this.faults[idx]!
    if (rule.times !== undefined) {
      rule.times -= 1
      if (rule.times <= 0) this.faults.splice(idx, 1)
    }
    return rule.fault
  }

  /** SigV4 + session token + expiry + clock skew. Returns who is calling. */
  private authenticate(req: IncomingMessage, rawPath: string, rawQuery: string, body: Buffer): KeyRecord {
    const header = req.headers.authorization
    if (!header) throw new ApiError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token')
    let auth
    try {
      auth = parseAuthorization(header)
    } catch (err) {
      if (err instanceof AuthFormatError) throw new ApiError(err.status, err.code, err.message)
      throw err
    }
    const headers = headerValues(req.rawHeaders)
    const signed = new Set(auth.signedHeaders)
    const {requestTime, amzDate} = this.signedTime(headers, signed)
    this.checkScope(auth, signed, amzDate)
    const key = this.callerKey(auth.accessKeyId, headers, signed)
    this.checkSkew(requestTime)
    this.checkSignature(req, {rawPath, rawQuery, body, headers, auth, amzDate, key})
    return key
  }

  /** When the request was signed: X-Amz-Date, else Date; either must be a signed header. */
  private signedTime(headers: Map<string, string[]>, signed: Set<string>): {requestTime: number; amzDate: string} {
    const amzDateHeader = headers.get('x-amz-date')?.[0]
    const dateHeader = headers.get('date')?.[0]
    let requestTime: number | undefined
    let amzDate: string
    if (amzDateHeader !== undefined) {
      requestTime = parseAmzDate(amzDateHeader.trim())
      amzDate = amzDateHeader.trim()
      if (!signed.has('x-amz-date')) {
        throw new ApiError(400, 'IncompleteSignature', "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
      }
    } else if (dateHeader !== undefined) {
      const ms = Date.parse(dateHeader)
      requestTime = Number.isNaN(ms) ? undefined : ms
      amzDate = requestTime === undefined ? '' : formatAmzDate(requestTime)
      if (!signed.has('date')) {
        throw new ApiError(400, 'IncompleteSignature', "'Date' must be a 'SignedHeader' in the AWS Authorization.")
      }
    } else {
      throw new ApiError(
        400,
        'IncompleteSignature',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      )
    }
    if (requestTime === undefined) {
      throw new ApiError(400, 'IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`)
    }
    return {requestTime, amzDate}
  }

  /** The credential scope: the host signed, aws4_request, sts or iam, the day of the request. */
  private checkScope(auth: ParsedAuthorization, signed: Set<string>, amzDate: string): void {
    if (!signed.has('host')) {
      throw new ApiError(400, 'IncompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    }
    if (auth.terminator !== 'aws4_request') {
      throw new ApiError(
        403,
        'SignatureDoesNotMatch',
        `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'.`,
      )
    }
    if (auth.service !== 'sts' && auth.service !== 'iam') {
      throw new ApiError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'.`)
    }
    if (auth.date !== amzDate.slice(0, 8)) {
      throw new ApiError(
        403,
        'SignatureDoesNotMatch',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      )
    }
  }

  /** Whose key signed the request; its session token must come with it, signed, and be unexpired. */
  private callerKey(accessKeyId: string, headers: Map<string, string[]>, signed: Set<string>): KeyRecord {
    const key = this.keys.get(accessKeyId)
    if (!key) throw new ApiError(403, 'InvalidClientTokenId', MESSAGES.invalidToken)

    const tokens = headers.get('x-amz-security-token')
    if (tokens !== undefined && !signed.has('x-amz-security-token')) {
      throw new ApiError(
        400,
        'IncompleteSignature',
        "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.",
      )
    }
    const token = tokens?.join(',')
    if (key.sessionToken === undefined ? token !== undefined : token !== key.sessionToken) {
      throw new ApiError(403, 'InvalidClientTokenId', MESSAGES.invalidToken)
    }
    if (key.expiresAt !== undefined && this.now() >= key.expiresAt) {
      throw new ApiError(400, 'ExpiredToken', MESSAGES.expiredToken)
    }
    return key
  }

  /** The request's time within MAX_SKEW_MS of the server's clock, as AWS demands. */
  private checkSkew(requestTime: number): void {
    const serverNow = this.now()
    if (Math.abs(requestTime - serverNow) > MAX_SKEW_MS) {
      const verb = requestTime < serverNow ? 'Request has expired.' : 'Request is not yet valid.'
      throw new ApiError(
        400,
        'RequestExpired',
        `${verb} Timestamp date is ${formatAmzDate(requestTime)}, server time ${formatAmzDate(serverNow)}`,
      )
    }
  }

  /** The body's hash as declared, then the signature of the canonical request with the caller's secret. */
  private checkSignature(
    req: IncomingMessage,
    {rawPath, rawQuery, body, headers, auth, amzDate, key}: {rawPath: string; rawQuery: string; body: Buffer; headers: Map<string, string[]>; auth: ParsedAuthorization; amzDate: string; key: KeyRecord},
  ): void {
    const bodyHash = sha256Hex(body)
    const declared = headers.get('x-amz-content-sha256')?.[0]?.trim()
    if (declared !== undefined && /^[0-9a-f]{64}$/i.test(declared) && declared.toLowerCase() !== bodyHash) {
      throw new ApiError(
        403,
        'SignatureDoesNotMatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      )
    }
    const canonical = canonicalRequest({
      method: req.method ?? 'GET',
      rawPath,
      rawQuery,
      headers,
      signedHeaders: auth.signedHeaders,
      payloadHash: declared ?? bodyHash,
    })
    if (!canonical.ok) throw new ApiError(403, 'SignatureDoesNotMatch', MESSAGES.badSignature)
    const expected = computeSignature(key.secretAccessKey, auth, amzDate, canonical.text)
    if (!signaturesEqual(expected, auth.signature.toLowerCase())) {
      throw new ApiError(403, 'SignatureDoesNotMatch', MESSAGES.badSignature)
    }
  }

  private dispatch(service: Service, action: string, params: URLSearchParams, caller: KeyRecord): XmlNode[] {
    const version = params.get('Version') ?? ''
    if (service === 'sts' && version === STS_VERSION) {
      if (action === 'GetSessionToken') return this.getSessionToken(params, caller)
      if (action === 'AssumeRole') return this.assumeRole(params, caller)
      if (action === 'GetCallerIdentity') return this.getCallerIdentity(caller)
    }
    if (service === 'iam' && version === IAM_VERSION) {
      if (action === 'ListMFADevices') return this.listMfaDevices(params, caller)
      if (action === 'ListAccessKeys' || action === 'CreateAccessKey' || action === 'DeleteAccessKey') return this.accessKeys(action, params, caller)
    }
    throw new ApiError(400, 'InvalidAction', `Could not find operation ${action} for version ${version || 'NO_VERSION_SPECIFIED'}`)
  }

  // ---- actions -----------------------------------------------------------------------------------

  private getSessionToken(params: URLSearchParams, caller: KeyRecord): XmlNode[] {
    const v = new Validator(params)
    const duration = v.integer('DurationSeconds', 'durationSeconds', 900, 129600) ?? 43200
    const {serial, code} = v.mfa()
    v.check()
    if (caller.kind !== 'user') throw new ApiError(403, 'AccessDenied', 'Cannot call GetSessionToken with session credentials')
    let mfa = false
    if (serial !== undefined || code !== undefined) {
      this.verifyMfa(caller.user, serial, code)
      mfa = true
    }
    const issued = this.issue(caller, duration, {kind: 'session', mfa})
    return [credentialsXml(issued)]
  }

  private assumeRole(params: URLSearchParams, caller: KeyRecord): XmlNode[] {
    const {roleArn, sessionName, requested, externalId, serial, code} = assumeRoleParams(params)
    const {state, mfa} = this.admitToRole(caller, {roleArn, externalId, serial, code})
    const role = state.role

    const duration = requested ?? 3600
    if (caller.kind !== 'user' && duration > 3600) throw new ApiError(400, 'ValidationError', MESSAGES.chained)
    if (duration > (role.maxSessionDuration ?? 3600)) throw new ApiError(400, 'ValidationError', MESSAGES.maxSession)

    const assumedRoleArn = `arn:${state.partition}:sts::${state.accountId}:assumed-role/${state.name}/${sessionName}`
    const issued = this.issue(caller, this.roleSessionSeconds ?? duration, {
      kind: 'role',
      mfa,
      role: {state, sessionName, assumedRoleArn},
    })
    return [
      credentialsXml(issued),
      el('AssumedRoleUser', [el('AssumedRoleId', `${state.roleId}:${sessionName}`), el('Arn', assumedRoleArn)]),
    ]
  }

  /** The role, when its trust lets the caller in (principal, external id, MFA); whether the new session counts as MFA. */
  private admitToRole(
    caller: KeyRecord,
    {roleArn, externalId, serial, code}: {roleArn: string; externalId?: string; serial?: string; code?: string},
  ): {state: RoleState; mfa: boolean} {
    const callerArn = identityOf(caller).arn
    const denied = () =>
      new ApiError(403, 'AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`)
    const state = this.roles.get(roleArn)
    if (!state) throw denied()
    const role = state.role
    if (role.trustedPrincipals !== undefined) {
      const principals = caller.role ? [caller.role.state.role.arn, caller.role.assumedRoleArn] : [caller.user.user.arn]
      if (!principals.some((p) => role.trustedPrincipals!.includes(p))) throw denied()
    }
    if (role.externalId !== undefined && externalId !== role.externalId) throw denied()
    let mfa = caller.mfa
    if (serial !== undefined || code !== undefined) {
      this.verifyMfa(caller.user, serial, code)
      mfa = true
    }
    if (role.requireMfa && !mfa) throw denied()
    return {state, mfa}
  }

  private getCallerIdentity(caller: KeyRecord): XmlNode[] {
    const id = identityOf(caller)
    return [el('Arn', id.arn), el('UserId', id.userId), el('Account', id.accountId)]
  }

  private listMfaDevices(params: URLSearchParams, caller: KeyRecord): XmlNode[] {
    // IAM refuses GetSessionToken credentials that were obtained without MFA.
    if (caller.kind === 'session' && !caller.mfa) throw new ApiError(403, 'InvalidClientTokenId', MESSAGES.invalidToken)
    const v = new Validator(params)
    const userName = v.string('UserName', 'userName', {min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+'})
    v.check()
    let target: UserState | undefined
    if (userName === undefined) {
      if (caller.kind === 'role') {
        throw new ApiError(400, 'ValidationError', 'Must specify userName when calling with non-User credentials')
      }
      target = caller.user
    } else {
      const account = identityOf(caller).accountId
      target = [...this.users.values()].find((s) => s.user.userName === userName && s.user.accountId === account)
    }
    if (caller.kind !== 'role' && caller.user.user.iamDenied) {
      const name = userName ?? caller.user.user.userName
      throw new ApiError(
        403,
        'AccessDenied',
        `User: ${caller.user.user.arn} is not authorized to perform: iam:ListMFADevices on resource: user ${name} because no identity-based policy allows the iam:ListMFADevices action`,
      )
    }
    if (!target) throw new ApiError(404, 'NoSuchEntity', `The user with name ${userName} cannot be found.`)
    const found = target
    const members = (found.user.mfaDevices ?? []).map((d) =>
      el('member', [
        el('UserName', found.user.userName),
        el('SerialNumber', d.serial),
        el('EnableDate', isoSeconds(found.enableDate)),
      ]),
    )
    return [el('MFADevices', members), el('IsTruncated', 'false')]
  }

  /**
   * IAM's access keys of a user: list, create (two at most, as in IAM), delete. A deleted key is
   * refused from then on; sessions made with it last until they expire, as in AWS.
   */
  private accessKeys(action: 'ListAccessKeys' | 'CreateAccessKey' | 'DeleteAccessKey', params: URLSearchParams, caller: KeyRecord): XmlNode[] {
    if (caller.kind === 'session' && !caller.mfa) throw new ApiError(403, 'InvalidClientTokenId', MESSAGES.invalidToken)
    const v = new Validator(params)
    const userName = v.string('UserName', 'userName', {min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+'})
    const keyId = action === 'DeleteAccessKey' ? v.string('AccessKeyId', 'accessKeyId', {required: true, min: 16, max: 128, pattern: /^\w+$/, patternText: '[\\w]+'}) : undefined
    v.check()
    if (userName === undefined && caller.kind === 'role') throw new ApiError(400, 'ValidationError', 'Must specify userName when calling with non-User credentials')
    const account = identityOf(caller).accountId
    const target = userName === undefined ? caller.user : [...this.users.values()].find((s) => s.user.userName === userName && s.user.accountId === account)
    if (!target) throw new ApiError(404, 'NoSuchEntity', `The user with name ${userName} cannot be found.`)
    const owned = [...this.keys.values()].filter((k) => k.kind === 'user' && k.user.user.arn === target.user.arn)
    const name = target.user.userName
    const member = (k: KeyRecord, secret: boolean) =>
      el(secret ? 'AccessKey' : 'member', [
        el('UserName', name),
        el('AccessKeyId', k.accessKeyId),
        el('Status', 'Active'),
        ...(secret ? [el('SecretAccessKey', k.secretAccessKey)] : []),
        el('CreateDate', isoSeconds(k.createdAt ?? target.enableDate)),
      ])
    if (action === 'ListAccessKeys') return [el('AccessKeyMetadata', owned.map((k) => member(k, false))), el('IsTruncated', 'false')]
    if (action === 'CreateAccessKey') {
      if (owned.length >= 2) throw new ApiError(409, 'LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2')
      let accessKeyId: string
      do accessKeyId = 'AKIA' + randomString(ALNUM_UPPER, 16)
      while (this.keys.has(accessKeyId))
      const record: KeyRecord = {accessKeyId, secretAccessKey: randomString(SECRET_CHARS, 40), kind: 'user', user: target, mfa: false, createdAt: this.now()}
      this.keys.set(accessKeyId, record)
      this.users.set(accessKeyId, target)
      return [member(record, true)]
    }
    const doomed = owned.find((k) => k.accessKeyId === keyId)
    if (!doomed) throw new ApiError(404, 'NoSuchEntity', `The Access Key with id ${keyId} cannot be found.`)
    this.keys.delete(doomed.accessKeyId)
    this.users.delete(doomed.accessKeyId)
    return []
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private findDevice(serial: string): MfaDevice | undefined {
    for (const s of this.users.values()) {
      const d = s.user.mfaDevices?.find((x) => x.serial === serial)
      if (d) return d
    }
    return undefined
  }

  /** Checks a code against one of the user's devices, ±1 step, and refuses replays. */
  private verifyMfa(user: UserState, serial: string | undefined, code: string | undefined): void {
    if (serial === undefined || code === undefined) throw new ApiError(403, 'AccessDenied', MESSAGES.mfaBoth)
    const device = user.user.mfaDevices?.find((d) => d.serial === serial)
    if (!device) throw new ApiError(403, 'AccessDenied', MESSAGES.mfaFailed)
    const counter = matchTotp(device.secret, code, this.now())
    if (counter === undefined) throw new ApiError(403, 'AccessDenied', MESSAGES.mfaFailed)
    const last = this.lastUsedCounter.get(serial)
    if (last !== undefined && counter <= last) throw new ApiError(403, 'AccessDenied', MESSAGES.mfaFailed)
    this.lastUsedCounter.set(serial, counter)
  }

  private issue(
    caller: KeyRecord,
    durationSeconds: number,
    what: {kind: 'session' | 'role'; mfa: boolean; role?: KeyRecord['role']},
  ): KeyRecord {
    let accessKeyId: string
    do accessKeyId = 'ASIA' + randomString(ALNUM_UPPER, 16)
    while (this.keys.has(accessKeyId))
    const nowSeconds = Math.floor(this.now() / 1000) * 1000
    const secrets = this.issueSecrets?.() ?? {
      secretAccessKey: randomString(SECRET_CHARS, 40),
      sessionToken: 'IQoJb3JpZ2luX2VjE' + randomBytes(420).toString('base64'),
    }
    const record: KeyRecord = {
      accessKeyId,
      secretAccessKey: secrets.secretAccessKey,
      kind: what.kind,
      user: caller.user,
      sessionToken: secrets.sessionToken,
      expiresAt: this.expiry && (this.expiry.kind ?? what.kind) === what.kind ? this.expiry.at : nowSeconds + durationSeconds * 1000,
      mfa: what.mfa,
      role: what.role,
    }
    this.keys.set(accessKeyId, record)
    return record
  }

  // ---- control endpoint (another process drives the server) --------------------------------------

  private async control(req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string): Promise<void> {
    const json = (status: number, value: unknown) => {
      const buf = Buffer.from(JSON.stringify(value), 'utf8')
      res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': String(buf.length)})
      res.end(buf)
    }
    const query = new URLSearchParams(rawQuery)
    try {
      const body = await readBody(req)
      const route = `${req.method} ${path}`
      switch (route) {
        case 'GET /__local/calls':
          return json(200, this.calls)
        case 'GET /__local/now':
          return json(200, {now: this.now()})
        case 'POST /__local/fault': {
          const rule = JSON.parse(body.toString('utf8')) as FaultRule
          this.fail(rule)
          return json(200, {ok: true})
        }
        case 'POST /__local/clear':
          this.clearFaults()
          if (query.get('calls') === 'true' || query.get('calls') === '1') this.calls.length = 0
          return json(200, {ok: true})
        case 'POST /__local/clock': {
          const {offsetMs} = JSON.parse(body.toString('utf8')) as {offsetMs?: unknown}
          if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs)) throw new Error('offsetMs must be a number')
          this.setClockOffset(offsetMs)
          return json(200, {ok: true, now: this.now()})
        }
        case 'POST /__local/role-session': {
          const {seconds} = JSON.parse(body.toString('utf8')) as {seconds?: number | null}
          this.setRoleSessionSeconds(seconds ?? undefined)
          return json(200, {ok: true})
        }
        case 'POST /__local/expiry': {
          const rule = JSON.parse(body.toString('utf8') || 'null') as ExpiryRule | null
          this.setExpiry(rule ?? undefined)
          return json(200, {ok: true})
        }
        case 'GET /__local/code': {
          const serial = query.get('serial')
          if (!serial) return json(400, {error: 'serial is required'})
          const atText = query.get('at')
          const at = atText === null ? undefined : Number(atText)
          if (!this.findDevice(serial)) return json(404, {error: `no MFA device ${serial}`})
          return json(200, {serial, code: this.code(serial, at)})
        }
        default:
          return json(404, {error: `no control endpoint ${route}`})
      }
    } catch (err) {
      return json(400, {error: err instanceof Error ? err.message : String(err)})
    }
  }
}

/** AssumeRole's parameters, checked as STS checks them (all problems in one ValidationError). */
function assumeRoleParams(params: URLSearchParams) {
  const v = new Validator(params)
  const roleArn = v.string('RoleArn', 'roleArn', {required: true, min: 20, max: 2048})
  const sessionName = v.string('RoleSessionName', 'roleSessionName', {
    required: true,
    min: 2,
    max: 64,
    pattern: /^[\w+=,.@-]*$/,
    patternText: '[\\w+=,.@-]*',
  })
  const requested = v.integer('DurationSeconds', 'durationSeconds', 900, 43200)
  const externalId = v.string('ExternalId', 'externalId', {
    min: 2,
    max: 1224,
    pattern: /^[\w+=,.@:/-]*$/,
    patternText: '[\\w+=,.@:\\/-]*',
  })
  const {serial, code} = v.mfa()
  v.check()
  return {roleArn: roleArn!, sessionName: sessionName!, requested, externalId, serial, code}
}

function identityOf(key: KeyRecord): {arn: string; userId: string; accountId: string} {
  if (key.role) {
    return {
      arn: key.role.assumedRoleArn,
      userId: `${key.role.state.roleId}:${key.role.sessionName}`,
      accountId: key.role.state.accountId,
    }
  }
  return {arn: key.user.user.arn, userId: key.user.userId, accountId: key.user.user.accountId}
}

function credentialsXml(k: KeyRecord): XmlNode {
  return el('Credentials', [
    el('AccessKeyId', k.accessKeyId),
    el('SecretAccessKey', k.secretAccessKey),
    el('SessionToken', k.sessionToken ?? ''),
    el('Expiration', isoSeconds(k.expiresAt ?? 0)),
  ])
}

function defaultCodeForStatus(status: number): string {
  if (status === 503) return 'ServiceUnavailable'
  if (status >= 500) return 'InternalFailure'
  if (status === 403) return 'AccessDenied'
  if (status === 404) return 'NotFound'
  return 'ValidationError'
}

function defaultMessageForCode(code: string): string {
  if (code === 'ServiceUnavailable') return 'Service Unavailable'
  if (code === 'InternalFailure') return 'An internal error occurred. Please try again.'
  return code
}

const FAULT_KINDS = new Set(['status', 'throttle', 'slow', 'hang', 'garbage', 'reset'])

function validateFaultRule(rule: FaultRule): void {
  const f = rule?.fault as Fault | undefined
  if (!f || !FAULT_KINDS.has(f.kind)) throw new Error(`unknown fault kind: ${JSON.stringify(f?.kind)}`)
  if (f.kind === 'status' && !(Number.isInteger(f.status) && f.status >= 100 && f.status <= 599)) {
    throw new Error('fault.status must be an HTTP status')
  }
  if (f.kind === 'garbage' && f.status !== undefined && !(Number.isInteger(f.status) && f.status >= 100 && f.status <= 599)) {
    throw new Error('fault.status must be an HTTP status')
  }
  if (f.kind === 'slow' && !(typeof f.delayMs === 'number' && f.delayMs >= 0)) throw new Error('fault.delayMs must be >= 0')
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
    throw new Error('times must be a positive integer')
  }
  if (rule.actions !== undefined && !Array.isArray(rule.actions)) throw new Error('actions must be an array')
}

/** Starts a local STS/IAM server on 127.0.0.1 (a free port unless `port` is given). */
export async function startLocalSts(options: LocalStsOptions = {}): Promise<LocalSts> {
  const server = new LocalStsServer(options)
  await server.listen(options.port ?? 0, options.host ?? '127.0.0.1')
  return server
}
