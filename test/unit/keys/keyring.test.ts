import {describeKeyringError} from '../../../src/keys/keyring.js'

/** The messages @napi-rs/keyring gave on Linux in each case (recorded with gnome-keyring and D-Bus). */
const cases: Array<[string, string, NodeJS.ProcessEnv, RegExp]> = [
  ['no bus', 'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead', {}, /^cannot read it: no D-Bus session bus to reach the keyring \(DBUS_SESSION_BUS_ADDRESS is not set/],
  ['a dead bus', 'Platform failure: DBus error: Failed to connect to socket /run/user/0/bus: Connection refused', {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/0/bus'}, /^cannot read it: no D-Bus session bus to reach the keyring \(DBUS_SESSION_BUS_ADDRESS points at no running bus\)$/],
  ['headless', 'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files', {}, /^cannot read it: no keyring service runs on the D-Bus session bus/],
  ['locked', "Couldn't access platform storage: Secret Service: unlock prompt was dismissed", {}, /^cannot read it: the keyring collection is locked/],
  ['locked, from a search', 'zbus error: org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object', {}, /^cannot read it: the keyring collection is locked/],
  ['no collection', "Couldn't access platform storage: Secret Service: no result found", {}, /^cannot read it: the keyring has no collection/],
  ['anything else', 'User interaction is not allowed.\nmore', {}, /^cannot read it: the OS keyring failed: User interaction is not allowed\.$/],
]

test.each(cases)('%s: one line that names the cause, and a hint', (_name, message, env, expected) => {
  const error = describeKeyringError(new Error(message), 'read it', env)
  expect(error.message).toMatch(expected)
  expect(error.message).not.toContain('\n')
  expect(error.hint).toBeTruthy()
  expect(error.cause).toBeInstanceOf(Error)
})
