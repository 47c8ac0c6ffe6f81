// A pwsh as Microsoft's packages ship it, for `npm run bench` to measure beside the .NET global tool.
// The global tool (what .ci/run installs) carries PowerShell's assemblies as IL only, so a new pwsh
// JIT-compiles all of its own code and starts about 2.6 times slower; the release packages (deb,
// rpm, tar.gz, MSI, Homebrew) compile the same assemblies ahead of time (ReadyToRun). This builds
// that from the installed global tool: its top-level assemblies through crossgen2, the compiler the
// .NET SDK uses for ReadyToRun, restored from NuGet. The modules it bundles (PSReadLine among them)
// stay as they are, as in the packages. Built once, into node_modules/.cache/ (about a minute on 2
// cores); `readyToRunPwsh()` gives the command that starts it, or why there is none.
import {execFileSync, spawn} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, homedir, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = join(root, 'node_modules', '.cache', 'mfa-bench')
const rid = `linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`

const newestFirst = names => [...names].sort((a, b) => b.localeCompare(a, 'en', {numeric: true}))
const dotnet = (args, options = {}) => execFileSync('dotnet', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options})

/** The installed global tool's folder of assemblies (…/tools/net10.0/any/unix) and its version. */
function globalTool() {
  const store = join(homedir(), '.dotnet', 'tools', '.store', 'powershell')
  if (!existsSync(store)) return undefined
  for (const version of newestFirst(readdirSync(store))) {
    const tools = join(store, version, 'powershell', version, 'tools')
    if (!existsSync(tools)) continue
    for (const tfm of newestFirst(readdirSync(tools))) {
      const unix = join(tools, tfm, 'any', 'unix')
      if (existsSync(join(unix, 'pwsh.dll'))) return {version, tfm, unix}
    }
  }
  return undefined
}

/** crossgen2 of the SDK's ReadyToRun pack for this machine, restored from NuGet by a throwaway project. */
function crossgen2(tfm) {
  const project = mkdtempSync(join(tmpdir(), 'mfa-bench-crossgen2-'))
  try {
    writeFileSync(
      join(project, 'restore.csproj'),
      `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>${tfm}</TargetFramework>` +
        `<RuntimeIdentifier>${rid}</RuntimeIdentifier><PublishReadyToRun>true</PublishReadyToRun><SelfContained>false</SelfContained></PropertyGroup></Project>\n`,
    )
    dotnet(['restore', project, '--verbosity', 'quiet'])
  } finally {
    rmSync(project, {recursive: true, force: true})
  }
  const packages = /global-packages:\s*(\S.*)/.exec(dotnet(['nuget', 'locals', 'global-packages', '--list']))?.[1].trim()
  const pack = packages && join(packages, `microsoft.netcore.app.crossgen2.${rid}`)
  if (!pack || !existsSync(pack)) throw new Error(`the restore brought no crossgen2 (looked in ${pack})`)
  const major = tfm.replace(/^net/, '').split('.')[0]
  const version = newestFirst(readdirSync(pack)).find(v => v.split('.')[0] === major)
  if (!version) throw new Error(`no crossgen2 for .NET ${major} in ${pack}`)
  return join(pack, version, 'tools', 'crossgen2')
}

/** The shared framework the tool runs on (the newest Microsoft.NETCore.App of its major version). */
function sharedFramework(tfm) {
  const major = tfm.replace(/^net/, '').split('.')[0]
  const runtimes = dotnet(['--list-runtimes'])
    .split('\n')
    .map(line => /^Microsoft\.NETCore\.App (\S+) \[(.+)\]$/.exec(line.trim()))
    .filter(m => m && m[1].split('.')[0] === major)
    .map(m => join(m[2], m[1]))
  if (!runtimes.length) throw new Error(`no Microsoft.NETCore.App ${major} runtime`)
  return newestFirst(runtimes)[0]
}

const runCrossgen = (compiler, input, output, references) =>
  new Promise(resolve => {
    const child = spawn(compiler, [input, '-o', output, ...references.flatMap(r => ['-r', r]), '--targetos', 'linux', '--targetarch', process.arch, '-O'], {stdio: 'ignore'})
    child.on('error', () => resolve(false))
    child.on('close', code => resolve(code === 0))
  })

/**
 * The command (argv) that starts the ReadyToRun pwsh, building it first if needed, or
 * {skipped: why}. Assemblies crossgen2 cannot compile (no IL to compile) are copied unchanged.
 */
export async function readyToRunPwsh() {
  const tool = globalTool()
  if (!tool) return {skipped: 'the PowerShell .NET global tool is not installed'}
  const dir = join(cacheDir, `pwsh-${tool.version}-ready-to-run`)
  const argv = ['dotnet', join(dir, 'pwsh.dll')]
  if (existsSync(join(dir, 'pwsh.dll'))) return {argv, version: tool.version}
  const building = `${dir}.building-${process.pid}`
  try {
    const compiler = crossgen2(tool.tfm)
    const references = [join(tool.unix, '*.dll'), join(sharedFramework(tool.tfm), '*.dll')]
    cpSync(tool.unix, building, {recursive: true})
    const assemblies = readdirSync(tool.unix).filter(name => name.endsWith('.dll'))
    const queue = [...assemblies]
    let compiled = 0
    const worker = async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        if (await runCrossgen(compiler, join(tool.unix, name), join(building, name), references)) compiled++
      }
    }
    await Promise.all(Array.from({length: Math.max(1, cpus().length)}, worker))
    // pwsh.dll and System.Management.Automation.dll are the ones that matter; without them, no build.
    const sma = readFileSync(join(building, 'System.Management.Automation.dll'))
    if (sma.length === readFileSync(join(tool.unix, 'System.Management.Automation.dll')).length) throw new Error('crossgen2 did not compile System.Management.Automation.dll')
    mkdirSync(cacheDir, {recursive: true})
    renameSync(building, dir)
    return {argv, version: tool.version, built: `${compiled} of ${assemblies.length} assemblies compiled`}
  } catch (error) {
    rmSync(building, {recursive: true, force: true})
    return {skipped: `no ReadyToRun build: ${error.message.split('\n')[0]}`}
  }
}
