/**
 * How execa is loaded. On the fast path (bin/run.cjs → dist/fast.cjs), from the prebuilt CommonJS
 * bundle dist/startup/execa-bundle.cjs, compiled from V8's code cache (./code-cache.ts); elsewhere
 * (the oclif commands, the tests) execa is imported as it is.
 */
import {loadBundle} from './code-cache.js'

type Execa = typeof import('execa').execa

let bundle: string | undefined

/** Called by the fast path: execa comes from the bundle at this path. */
export function useExecaBundle(file: string): void {
  bundle = file
}

export async function loadExeca(): Promise<Execa> {
  if (bundle) return loadBundle<{execa: Execa}>(bundle).execa
  return (await import('./execa-bundle.js')).execa
}
