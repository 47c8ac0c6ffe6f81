/**
 * Server side of AWS Signature Version 4 (header form): parses the Authorization header, rebuilds the
 * canonical request from what actually arrived on the wire, and checks the signature.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
import {createHash, createHmac, timingSafeEqual} from 'node:crypto'

export const ALGORITHM = 'AWS4-HMAC-SHA256'

export interface ParsedAuthorization {
  accessKeyId: string
  date: string // YYYYMMDD from the credential scope
  region: string
  service: string
  terminator: string
  scope: string // date/region/service/terminator
  signedHeaders: string[]
  signature: string
}

/** A problem with the Authorization header itself (before any key is looked up). */
export class AuthFormatError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export function parseAuthorization(header: string): ParsedAuthorization {
  const trimmed = header.trim()
  const space = trimmed.indexOf(' ')
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space)
  if (algorithm !== ALGORITHM) {
    throw new AuthFormatError('IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'`, 400)
  }
  const fields = new Map<string, string>()
  for (const part of trimmed.slice(space + 1).split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !fields.get(k))
  if (missing.length > 0) {
    throw new AuthFormatError(
      'IncompleteSignature',
      missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' ') +
        ` Authorization=${ALGORITHM} ${[...fields.keys()].join(', ')}`,
      400,
    )
  }
  const credential = fields.get('Credential')!
  const parts = credential.split('/')
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    throw new AuthFormatError(
      'IncompleteSignature',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      400,
    )
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string]
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    scope: `${date}/${region}/${service}/${terminator}`,
    signedHeaders: fields.get('SignedHeaders')!.split(';'),
    signature: fields.get('Signature')!,
  }
}

/** RFC 3986 percent-encoding as SigV4 wants it (unreserved: A-Z a-z 0-9 - _ . ~). */
export function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/**
 * Canonical URI for every service but S3: the path normalized (`.`/`..` and empty segments removed)
 * and each segment URI-encoded — on top of the encoding it already had on the wire, i.e. double encoded,
 * as the AWS SDKs and botocore do.
 */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = []
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') segments.pop()
    else segments.push(seg)
  }
  const trailing = rawPath.endsWith('/') && segments.length > 0 ? '/' : ''
  return '/' + segments.map(uriEscape).join('/') + trailing
}

/** Canonical query string: every name=value encoded once, sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return ''
  const pairs: [string, string][] = []
  for (const part of rawQuery.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const k = eq < 0 ? part : part.slice(0, eq)
    const v = eq < 0 ? '' : part.slice(eq + 1)
    pairs.push([uriEscape(safeDecode(k)), uriEscape(safeDecode(v))])
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

/** Header values by lower-case name, from Node's rawHeaders (keeps repeated headers apart). */
export function headerValues(rawHeaders: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase()
    const list = map.get(name) ?? []
    list.push(rawHeaders[i + 1]!)
    map.set(name, list)
  }
  return map
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request')
}

export interface CanonicalInput {
  method: string
  rawPath: string
  rawQuery: string
  headers: Map<string, string[]>
  signedHeaders: string[]
  payloadHash: string
}

/** The canonical request; undefined with the name of a signed header that is absent from the request. */
export function canonicalRequest(input: CanonicalInput): {ok: true; text: string} | {ok: false; missingHeader: string} {
  const lines: string[] = []
  for (const name of input.signedHeaders) {
    const values = input.headers.get(name)
    if (values === undefined) return {ok: false, missingHeader: name}
    lines.push(`${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`)
  }
  const text = [
    input.method,
    canonicalUri(input.rawPath),
    canonicalQuery(input.rawQuery),
    lines.join(''),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n')
  return {ok: true, text}
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n')
}

export function computeSignature(secret: string, auth: ParsedAuthorization, amzDate: string, canonical: string): string {
  const key = signingKey(secret, auth.date, auth.region, auth.service)
  return createHmac('sha256', key).update(stringToSign(amzDate, auth.scope, canonical), 'utf8').digest('hex')
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8')
  const bb = Buffer.from(b, 'utf8')
  return ba.length === bb.length && timingSafeEqual(ba, bb)
}

/** `20260101T000000Z` → ms since epoch, or undefined. */
export function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (!m) return undefined
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
  return Number.isNaN(ms) ? undefined : ms
}

/** ms since epoch → `20260101T000000Z`. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')
}
