// A pwsh as Microsoft's packages ship it, for `npm run bench` to measure beside the .NET global tool.
// The global tool (what .ci/run installs) carries PowerShell's assemblies as IL only, so a new pwsh
// JIT-compiles all of its own code and starts about 2.6 times slower; the release packages (deb,
// rpm, tar.gz, MSI, Homebrew) compile the same assemblies ahead of time (ReadyToRun). This builds
// that from the installed global tool: its top-level assemblies through crossgen2, the compiler the
// .NET SDK uses for ReadyToRun, restored from NuGet. The modules it bundles (PSReadLine among them)
// stay as they are, as in the packages. Built once, into node_modules/.cache/ (about a minute on 2
// cores); `readyToRunPwsh()` gives the command that starts it, or why there is none.
import {execFileSync, spawn} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus, homedir, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = join(root, 'node_modules', '.cache', 'mfa-bench')
const rid = `linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`

const newestFirst = names => [...names].sort((a, b) => b.localeCompare(a, 'en', {numeric: true}))
/** The .NET major version of a target framework: net10.0 → '10'. */
const majorOf = tfm => tfm.replace(/^net/, '').split('.')[0]
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
  const major = majorOf(tfm)
  const version = newestFirst(readdirSync(pack)).find(v => v.split('.')[0] === major)
  if (!version) throw new Error(`no crossgen2 for .NET ${major} in ${pack}`)
  return join(pack, version, 'tools', 'crossgen2')
}

/** The shared framework the tool runs on (the newest Microsoft.NETCore.App of its major version). */
function sharedFramework(tfm) {
  const major = majorOf(tfm)
  const runtimes = dotnet(['--list-runtimes'])
    .split('\n')
    .map(line => /^Microsoft\.NETCore\.App (\S+) \[(.+)\]$/.exec(line.trim()))
    .filter(m => m && m[1].split('.')[0] === major)
    .map(m => join(m[2], m[1]))
  if (!runtimes.length) throw new Error(`no Microsoft.NETCore.App ${major} runtime`)
  return newestFirst(runtimes)[0]
}

/** Compiles one assembly; one that crossgen2 refuses (no IL to compile) stays as copied. */
const runCrossgen = (compiler, input, output, references) =>
  new Promise(resolve => {
    const child = spawn(compiler, [input, '-o', output, ...references.flatMap(r => ['-r', r]), '--targetos', 'linux', '--targetarch', process.arch, '-O'], {stdio: 'ignore'})
    child.on('error', resolve)
    child.on('close', resolve)
  })

/** {argv}: the command that starts the ReadyToRun pwsh, built first if needed; or {skipped: why}. */
export async function readyToRunPwsh() {
  const tool = globalTool()
  if (!tool) return {skipped: 'the PowerShell .NET global tool is not installed'}
  const dir = join(cacheDir, `pwsh-${tool.version}-ready-to-run`)
  const argv = ['dotnet', join(dir, 'pwsh.dll')]
  if (existsSync(join(dir, 'pwsh.dll'))) return {argv}
  const building = `${dir}.building-${process.pid}`
  try {
    const compiler = crossgen2(tool.tfm)
    const references = [join(tool.unix, '*.dll'), join(sharedFramework(tool.tfm), '*.dll')]
    cpSync(tool.unix, building, {recursive: true})
    const queue = readdirSync(tool.unix).filter(name => name.endsWith('.dll'))
    const worker = async () => {
      for (let name = queue.shift(); name; name = queue.shift()) await runCrossgen(compiler, join(tool.unix, name), join(building, name), references)
    }
    await Promise.all(Array.from({length: Math.max(1, cpus().length)}, worker))
    // PowerShell's engine is the assembly that matters (a compiled one is more than twice the size): without it, no build.
    const engine = 'System.Management.Automation.dll'
    if (statSync(join(building, engine)).size === statSync(join(tool.unix, engine)).size) throw new Error(`crossgen2 did not compile ${engine}`)
    mkdirSync(cacheDir, {recursive: true})
    renameSync(building, dir)
    return {argv}
  } catch (error) {
    rmSync(building, {recursive: true, force: true})
    return {skipped: `no ReadyToRun build: ${error.message.split('\n')[0]}`}
  }
}
