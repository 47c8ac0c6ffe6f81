/**
 * Node's `os` and `module`, loaded when first called. Imported at the top of a module, each would
 * load on every start of the fast path (bin/run.cjs → dist/fast.cjs), 0.25 to 0.4 ms apiece, though
 * most runs never call them (a home directory when HOME is unset, a lock's host name, a native
 * module). process.getBuiltinModule is Node 20.16 and 22.3 on; bin/run.cjs checks for it.
 */
export const os = () => process.getBuiltinModule('node:os')
export const nodeModule = () => process.getBuiltinModule('node:module')
