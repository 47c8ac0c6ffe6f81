/**
 * A command that counts the SIGINTs it gets: it prints "ready", then "INT n" for each one (Python
 * runs its handler at once, so a second SIGINT is counted, not merged with the first), waits half a
 * second after the first, prints "done after n" and exits 9. For proving that Ctrl-C reaches a
 * command under mfa once, and that mfa waits for it and passes on its exit code.
 */
export const COUNT_SIGINT_PY = [
  'import signal, sys, time',
  'n = 0',
  'def h(s, f):',
  '    global n; n += 1; print("INT", n, flush=True)',
  'signal.signal(signal.SIGINT, h)',
  'print("ready", flush=True)',
  'while n < 1: time.sleep(0.01)',
  'time.sleep(0.5)',
  'print("done after", n, flush=True); sys.exit(9)',
].join('\n')
