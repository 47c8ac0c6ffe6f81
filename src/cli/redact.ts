/**
 * Removes secrets from text meant for people, in two ways:
 * - the secrets this process has held (secret keys and session tokens, remembered as they are
 *   read: rememberSecret), wherever they appear;
 * - for secrets it never held (in an error of a library, a stack), anything that looks like one:
 *   a run of 40 or more base64 characters (secret keys, session tokens), and 6 digits after "code".
 * A profile name is the user's own text: a run that is part of a name this process has seen
 * (keepName) is shown as written, unless it is a secret held.
 */
const secrets = new Set<string>()
const names = new Set<string>()

/** Shorter values are no secret of AWS (a key id is 16 or more, a secret key 40); they could be words. */
const SHORTEST_SECRET = 16

/** A secret key or a session token this process holds: never shown. */
export function rememberSecret(value: string | undefined): void {
  if (value && value.length >= SHORTEST_SECRET) secrets.add(value)
}

/** A profile name the user chose (in a flag, a variable or a file): shown as written. */
export function keepName(name: string | undefined): void {
  if (name) names.add(name)
}

export function redact(text: string): string {
  let out = text
  for (const secret of secrets) out = out.split(secret).join('[redacted]')
  return out
    .replace(/(?<![A-Za-z0-9/+])(?!\/)[A-Za-z0-9/+]{40,}={0,2}(?![A-Za-z0-9/+=])/g, run => (isPartOfName(run.replace(/=+$/, '')) ? run : '[redacted]'))
    .replace(/((?:token[-_ ]?code|TokenCode)["'=: ]+)\d{6}\b/gi, '$1[redacted]')
}

function isPartOfName(run: string): boolean {
  for (const name of names) if (name.includes(run)) return true
  return false
}

/** An access key id as messages show it: AKIA…MPLE (AWS prints it masked the same way). */
export function maskKeyId(accessKeyId: string): string {
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : '…'
}
