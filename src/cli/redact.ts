/**
 * Removes anything that looks like a secret from text meant for people: secret keys (40 base64
 * characters), session tokens (long base64 runs) and 6-digit codes after "code".
 */
export function redact(text: string): string {
  return text
    .replace(/(?<![A-Za-z0-9/+])(?!\/)[A-Za-z0-9/+]{40,}={0,2}(?![A-Za-z0-9/+=])/g, '[redacted]')
    .replace(/((?:token[-_ ]?code|TokenCode)["'=: ]+)\d{6}\b/gi, '$1[redacted]')
}

/** An access key id as messages show it: AKIA…MPLE (AWS prints it masked the same way). */
export function maskKeyId(accessKeyId: string): string {
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : '…'
}
