/**
 * The `--json` shapes README writes down, read as they are written and held against real output.
 * The notation: `{name: T, optional?: T}` (no other field may appear), `[T]`, `A|B`, and the atoms
 * string, number, boolean, true, false and "literal".
 */
export type Shape =
  | {kind: 'object'; fields: Array<{name: string; optional: boolean; shape: Shape}>}
  | {kind: 'array'; of: Shape}
  | {kind: 'union'; of: Shape[]}
  | {kind: 'atom'; name: 'string' | 'number' | 'boolean'}
  | {kind: 'literal'; value: string | boolean}

export function parseShape(text: string): Shape {
  const tokens = text.match(/"[^"]*"|[A-Za-z_]\w*|[{}[\]:,?|]/g) ?? []
  let i = 0
  const next = () => tokens[i++]
  const expect = (t: string) => {
    if (tokens[i] !== t) throw new Error(`shape: expected ${t} at token ${i} (${tokens[i]}) in ${text}`)
    i++
  }
  const union = (): Shape => {
    const of = [single()]
    while (tokens[i] === '|') {
      i++
      of.push(single())
    }
    return of.length === 1 ? of[0] : {kind: 'union', of}
  }
  const single = (): Shape => {
    const t = next()
    if (t === '{') {
      const fields: Array<{name: string; optional: boolean; shape: Shape}> = []
      while (tokens[i] !== '}') {
        const name = next()
        const optional = tokens[i] === '?'
        if (optional) i++
        expect(':')
        fields.push({name, optional, shape: union()})
        if (tokens[i] === ',') i++
      }
      expect('}')
      return {kind: 'object', fields}
    }
    if (t === '[') {
      const of = union()
      expect(']')
      return {kind: 'array', of}
    }
    if (t === 'string' || t === 'number' || t === 'boolean') return {kind: 'atom', name: t}
    if (t === 'true' || t === 'false') return {kind: 'literal', value: t === 'true'}
    if (t?.startsWith('"')) return {kind: 'literal', value: t.slice(1, -1)}
    throw new Error(`shape: unexpected ${t} in ${text}`)
  }
  const shape = union()
  if (i !== tokens.length) throw new Error(`shape: trailing ${tokens.slice(i).join(' ')} in ${text}`)
  return shape
}

/** Where value differs from shape: one line per difference, empty when it fits. */
export function misfits(value: unknown, shape: Shape, at = '$'): string[] {
  switch (shape.kind) {
    case 'atom':
      return typeof value === shape.name ? [] : [`${at}: ${JSON.stringify(value)} is not a ${shape.name}`]
    case 'literal':
      return value === shape.value ? [] : [`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(shape.value)}`]
    case 'union':
      return shape.of.some(s => misfits(value, s, at).length === 0) ? [] : [`${at}: ${JSON.stringify(value)} fits none of the alternatives`]
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, n) => misfits(v, shape.of, `${at}[${n}]`)) : [`${at}: not an array`]
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`]
      const record = value as Record<string, unknown>
      const known = new Set(shape.fields.map(f => f.name))
      return [
        ...Object.keys(record).filter(k => !known.has(k)).map(k => `${at}.${k}: not in the documented shape`),
        ...shape.fields.flatMap(f => (record[f.name] === undefined ? (f.optional ? [] : [`${at}.${f.name}: missing`]) : misfits(record[f.name], f.shape, `${at}.${f.name}`))),
      ]
    }
  }
}

/** The shapes README documents, by command: fenced blocks opened with ```text json-shape COMMAND. */
export function documentedShapes(readme: string): Record<string, Shape> {
  const out: Record<string, Shape> = {}
  for (const m of readme.matchAll(/^```text json-shape (\w+)\n([\s\S]*?)^```$/gm)) out[m[1]] = parseShape(m[2])
  return out
}
