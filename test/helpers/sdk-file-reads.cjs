// Preloaded into mfa (NODE_OPTIONS=-r) by tests: says on stderr when the AWS SDK reads a file under
// .aws/ itself. The SDK reads the shared files with fs/promises' readFile, mfa with readFileSync.
const fsp = require('node:fs/promises')
const readFile = fsp.readFile
fsp.readFile = function (path, ...rest) {
  if (/[\\/]\.aws[\\/]/.test(String(path))) process.stderr.write(`SDK READ ${path}\n`)
  return readFile.call(this, path, ...rest)
}
