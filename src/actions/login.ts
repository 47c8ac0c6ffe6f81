import {localTime} from '../cli/time.js'
import {say} from '../cli/output.js'
import {quoteForHint} from '../cli/hint.js'
import {ensureSession, secondsLeft} from '../session/ensure.js'
import {formatTimeLeft as timeLeft} from '../shells/segment.js'
import {ensureOptions, type SessionFlagValues} from './session-options.js'

/** `mfa login`: makes sure of a session, and says on stderr until when it lasts and how to use it. */
export async function loginAction(flags: SessionFlagValues): Promise<void> {
  const {session, fresh, sessionProfile, resolved} = await ensureSession(ensureOptions(flags))
  const expiry = new Date(session.Credentials.Expiration)
  const who = session.Identity?.Arn ?? resolved.mfaSerial
  const left = timeLeft(secondsLeft(session))
  say(
    fresh
      ? `mfa: session for ${who} (profile ${resolved.name}) until ${localTime(expiry)} (${left})`
      : `mfa: session for ${who} (profile ${resolved.name}) still valid until ${localTime(expiry)} (${left} left)`,
  )
  say(`mfa: use it with: aws --profile ${quoteForHint([sessionProfile])} ...`)
}
