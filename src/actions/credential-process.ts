import {writeOut} from '../cli/output.js'
import {ensureOptions, type SessionFlagValues} from './session-options.js'
import {ensureSession} from '../session/ensure.js'

/**
 * `mfa credential-process`: the JSON that `credential_process` in ~/.aws/config expects. stdout
 * belongs to the SDK: a question for the code goes to /dev/tty, notices to stderr. It writes no
 * session profile: the SDK takes the session from stdout, and the README's recipe names
 * [profile <name>-mfa] in the config file, which static keys in [<name>-mfa] would shadow.
 */
export async function credentialProcessAction(flags: SessionFlagValues): Promise<void> {
  const {session} = await ensureSession(ensureOptions(flags, process.env, 'none'))
  const c = session.Credentials
  writeOut(
    JSON.stringify({Version: 1, AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration}) + '\n',
  )
}
