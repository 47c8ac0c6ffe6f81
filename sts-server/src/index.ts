/** Public API of the local STS-compatible server (tests, demo, benchmark). */
export {startLocalSts, MESSAGES, MAX_SKEW_MS, STS_VERSION, IAM_VERSION} from './server.js'
export {totp, base32Encode, base32Decode} from './totp.js'
export {demoFixture, DEMO} from './fixture.js'
export {CAPTIVE_PORTAL_HTML, CAPTIVE_PORTAL_XHTML} from './xml.js'
export type {Fault, FaultRule, LocalSts, LocalStsOptions, MfaDevice, StsCall, StsRole, StsUser} from './types.js'
