/** Public types of the local STS-compatible server. */

/** A virtual MFA device: its serial (ARN) and its base32 TOTP seed. */
export interface MfaDevice {
  serial: string
  secret: string // base32
}

/** An IAM user with long-term keys (AKIA…). */
export interface StsUser {
  userName: string
  accountId: string
  /** arn:aws:iam::123456789012:user/alice (partition may be aws-cn / aws-us-gov; a path is allowed) */
  arn: string
  accessKeyId: string
  secretAccessKey: string
  mfaDevices?: MfaDevice[]
  /** IAM ListMFADevices answers AccessDenied (403) for this user. */
  iamDenied?: boolean
}

/** A role that callers may assume. */
export interface StsRole {
  arn: string // arn:aws:iam::123456789012:role/name
  /** The caller must be a session made with MFA, or pass a valid SerialNumber+TokenCode. */
  requireMfa?: boolean
  /** AssumeRole must pass exactly this ExternalId. */
  externalId?: string
  /** User ARNs (or role ARNs, for role chaining) allowed to assume it. Default: any caller the server knows. */
  trustedPrincipals?: string[]
  /** Seconds; AssumeRole accepts DurationSeconds up to this (default 3600). */
  maxSessionDuration?: number
}

export type Fault =
  | {kind: 'status'; status: number; code?: string; message?: string} // e.g. 500 InternalFailure, 503 ServiceUnavailable
  | {kind: 'throttle'} // 400 Throttling "Rate exceeded"
  | {kind: 'slow'; delayMs: number} // answers (correctly) after the delay
  | {kind: 'hang'} // never answers (socket kept open until close())
  | {kind: 'garbage'; body?: string; contentType?: string; status?: number} // a captive-portal HTML page (CAPTIVE_PORTAL_HTML unless a body is given): 200 text/html unless told otherwise (text/xml: a portal that lies)
  | {kind: 'reset'} // destroys the socket

export interface FaultRule {
  fault: Fault
  /** How many matching requests get the fault; default: every one. */
  times?: number
  /** Only these actions (e.g. ['GetSessionToken']); default: all. */
  actions?: string[]
}

/** One request the server received (control endpoints excluded). */
export interface StsCall {
  action: string // '' when the request had none
  accessKeyId: string // from the Authorization header, '' when unsigned
  ok: boolean
  code?: string // error code when !ok; for hang/reset/garbage faults: 'Fault:hang' etc.
  at: number // server time (ms) when the request arrived
  userAgent?: string // the client's User-Agent header: tells the AWS CLI (aws-cli/…) from an SDK (aws-sdk-js/…)
}

export interface LocalSts {
  url: string // http://127.0.0.1:PORT
  port: number
  calls: StsCall[] // every request, in order
  count(action: string, filter?: (c: StsCall) => boolean): number
  fail(rule: FaultRule): void
  clearFaults(): void
  setClockOffset(ms: number): void // server "now" = Date.now() + offset (affects TOTP, timestamps, expirations)
  /** Credentials issued from now on end at rule.at, whatever duration was asked (undefined: as asked). */
  setExpiry(rule: ExpiryRule | undefined): void
  /** Every session and role credential issued so far ends now, as if its time had come. */
  expireIssued(): void
  /** Every role session AssumeRole issues from now on lasts this many seconds (undefined: as requested). */
  setRoleSessionSeconds(seconds: number | undefined): void
  now(): number // server time in ms
  code(serial: string, at?: number): string // the TOTP code the device shows now (or at a time)
  addUser(u: StsUser): void
  addRole(r: StsRole): void
  close(): Promise<void>
}

/** A test's own expiry: credentials of `kind` (default: both kinds) end at `at` (epoch ms). */
export interface ExpiryRule {
  at: number
  kind?: 'session' | 'role'
}

export interface LocalStsOptions {
  port?: number // default 0: a free port
  host?: string // default 127.0.0.1
  users?: StsUser[]
  roles?: StsRole[]
  clockOffsetMs?: number
  /** The secret and token of each session it issues (default: random, AWS-like); tests pass hostile ones. */
  issueSecrets?: () => {secretAccessKey: string; sessionToken: string}
  /**
   * Role sessions last this many seconds, whatever DurationSeconds asked (which is still checked as
   * AWS does): short sessions, e.g. 60-90 s, let a test see a refresh without waiting an hour.
   */
  roleSessionSeconds?: number
}
