/**
 * The container credentials endpoint that every AWS SDK and the AWS CLI read when
 * AWS_CONTAINER_CREDENTIALS_FULL_URI is set: GET with the token in the Authorization header,
 * answered with AccessKeyId, SecretAccessKey, Token and Expiration (RFC 3339, UTC).
 *
 * Built for the strictest client, botocore: the URL's host is 127.0.0.1 (it accepts only that,
 * localhost and 169.254.170.2, not ::1), and the token goes in AWS_CONTAINER_AUTHORIZATION_TOKEN
 * (it does not read _TOKEN_FILE). It listens on 127.0.0.1 only, and drops any connection that is not
 * from loopback all the same.
 */
import {randomBytes, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {StsCredentials} from '../session/cache.js'
import {MfaError} from '../cli/errors.js'

export interface CredentialServer {
  /** http://127.0.0.1:PORT/credentials */
  url: string
  token: string
  close(): Promise<void>
}

/** 127.0.0.0/8, ::1, and 127.x mapped into IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1'
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store'})
  res.end(text)
}

function tokenMatches(given: string | undefined, token: Buffer): boolean {
  if (given === undefined) return false
  const bytes = Buffer.from(given, 'utf8')
  return bytes.length === token.length && timingSafeEqual(bytes, token)
}

export async function startCredentialServer(credentials: () => Promise<StsCredentials>): Promise<CredentialServer> {
  const token = randomBytes(32).toString('base64url')
  const tokenBytes = Buffer.from(token, 'utf8')
  const path = '/credentials'

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isLoopback(req.socket.remoteAddress)) return void req.socket.destroy()
    const auth = req.headers.authorization
    if (auth === undefined) return send(res, 401, {Code: 'Unauthorized', Message: 'mfa: the Authorization header is missing'})
    if (!tokenMatches(auth, tokenBytes)) return send(res, 403, {Code: 'Forbidden', Message: 'mfa: wrong authorization token'})
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== path) return send(res, 404, {Code: 'NotFound', Message: `mfa: GET ${path}`})
    try {
      const c = await credentials()
      send(res, 200, {AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, Token: c.SessionToken, Expiration: c.Expiration})
    } catch (error) {
      const message = error instanceof MfaError ? `mfa: ${error.message}${error.hint ? `. ${error.hint}` : ''}` : 'mfa: unexpected error; run with MFA_DEBUG=1'
      // 4xx: the JavaScript SDK passes Code and Message of a 4xx on; botocore shows any body.
      send(res, 400, {Code: 'CredentialsUnavailable', Message: message})
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  server.on('connection', socket => {
    if (!isLoopback(socket.remoteAddress)) socket.destroy()
  })
  // The SDKs keep connections open; they must not keep mfa alive once the command has ended.
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.unref()
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${path}`,
    token,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
