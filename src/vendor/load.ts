/**
 * How execa is loaded. On the fast path (bin/run.js → dist/fast.cjs), bin/run.js hands over a
 * loader for the prebuilt CommonJS bundle dist/vendor/execa.cjs, compiled from V8's code cache;
 * elsewhere (the oclif commands, the tests) execa is imported as it is.
 */
type Execa = typeof import('execa').execa

let vendor: ((name: 'execa') => {execa: Execa}) | undefined

export function useVendorLoader(load: (name: 'execa') => {execa: Execa}): void {
  vendor = load
}

export async function loadExeca(): Promise<Execa> {
  if (vendor) return vendor('execa').execa
  return (await import('./execa.js')).execa
}
