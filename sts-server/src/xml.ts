/** XML bodies in the exact shape STS and IAM (query protocol) send. */

export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/'
export const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/'

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  )
}

/** An XML node: text (escaped) or children in order. */
export type XmlValue = string | number | boolean | XmlNode[]
export interface XmlNode {
  name: string
  value: XmlValue
}

export const el = (name: string, value: XmlValue): XmlNode => ({name, value})

function render(node: XmlNode, indent: string): string {
  if (Array.isArray(node.value)) {
    const inner = node.value.map((c) => render(c, indent + '  ')).join('')
    return `${indent}<${node.name}>\n${inner}${indent}</${node.name}>\n`
  }
  return `${indent}<${node.name}>${escapeXml(String(node.value))}</${node.name}>\n`
}

/** `<{Action}Response xmlns=ns><{Action}Result>…</{Action}Result><ResponseMetadata><RequestId/></ResponseMetadata></…>` */
export function successXml(ns: string, action: string, result: XmlNode[], requestId: string): string {
  const body = [el(`${action}Result`, result), el('ResponseMetadata', [el('RequestId', requestId)])]
  return `<${action}Response xmlns="${ns}">\n${body.map((n) => render(n, '  ')).join('')}</${action}Response>\n`
}

/** `<ErrorResponse xmlns=ns><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` */
export function errorXml(ns: string, type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${ns}">\n` +
    render(el('Error', [el('Type', type), el('Code', code), el('Message', message)]), '  ') +
    render(el('RequestId', requestId), '  ') +
    `</ErrorResponse>\n`
  )
}

/** ISO 8601 UTC without milliseconds, as STS writes timestamps: 2026-11-28T05:21:00Z */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The captive-portal page served by the `garbage` fault: HTML that is not well-formed XML. */
export const CAPTIVE_PORTAL_HTML = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Welcome to Airport Free Wi-Fi</title>
</head>
<body>
<h1>Sign in to continue</h1>
<p>Please accept the terms of use to access the Internet.<br>
<form method="post" action="/login"><input type="checkbox" name="accept"> I accept
<input type="submit" value="Connect"></form>
</body>
</html>
`

/**
 * A captive portal's page that is well-formed XML (XHTML): an XML parser reads it without an error,
 * and finds no STS answer in it. Served as text/xml it is a portal that names the wrong type.
 */
export const CAPTIVE_PORTAL_XHTML = `<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml">
<head><title>Welcome to Airport Free Wi-Fi</title></head>
<body><h1>Sign in to continue</h1><p>Please accept the terms of use to access the Internet.</p></body>
</html>
`
