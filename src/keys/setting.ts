/**
 * The one setting that says where a profile's long-term keys are: `mfa_keyring = <access key id>`
 * in the profile's section of ~/.aws/config means its secret is in the OS keyring, under that id,
 * and not in ~/.aws/credentials. The access key id is not a secret (AWS compares it to a user
 * name); keeping it in the file lets mfa match cached sessions to the key without opening the
 * keyring. The SDKs and the AWS CLI ignore settings they do not know.
 */
export const KEYRING_SETTING = 'mfa_keyring'
