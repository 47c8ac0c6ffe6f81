import type {StsRole, StsUser} from './types.js'

/**
 * The demo fixture: fake, publicly documented example values (the AWS documentation's example key pair
 * and the RFC 6238 test seed). Nothing here is a real credential.
 *
 * - user `demo`, account 123456789012, arn:aws:iam::123456789012:user/demo
 *   access key AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
 * - virtual MFA device arn:aws:iam::123456789012:mfa/demo, seed GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
 *   (base32 of "12345678901234567890")
 * - role arn:aws:iam::123456789012:role/demo-admin, requires MFA
 */
export const DEMO = {
  accountId: '123456789012',
  userName: 'demo',
  userArn: 'arn:aws:iam::123456789012:user/demo',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  mfaSerial: 'arn:aws:iam::123456789012:mfa/demo',
  mfaSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  roleArn: 'arn:aws:iam::123456789012:role/demo-admin',
} as const

export function demoFixture(): {users: StsUser[]; roles: StsRole[]} {
  return {
    users: [
      {
        userName: DEMO.userName,
        accountId: DEMO.accountId,
        arn: DEMO.userArn,
        accessKeyId: DEMO.accessKeyId,
        secretAccessKey: DEMO.secretAccessKey,
        mfaDevices: [{serial: DEMO.mfaSerial, secret: DEMO.mfaSecret}],
      },
    ],
    roles: [{arn: DEMO.roleArn, requireMfa: true}],
  }
}
