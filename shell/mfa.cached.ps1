# mfa's shell integration, cached by `mfa init` for the line in $PROFILE, which dot-sources it
# without starting a process. It stands for one mfa: when the first mfa on PATH is no longer that
# file of that version (an upgrade, a move, another mfa first on PATH), it loads nothing and
# throws, and the line falls back to `mfa init`, which writes a fresh copy. With no mfa on PATH
# (npm uninstall) it says so in one line.
# What runs here runs in every new pwsh, so it is plain statements and .NET methods: no cmdlet (a
# module's first cmdlet imports the module), no regex, no -eq on strings (culture-aware, it loads
# ICU), no nested script block (compiled on first call), each a few milliseconds or more.
$__mfa_state = 'missing'
# Each .NET type and method used costs pwsh a first binding, so few of them; ':' as PATH's
# separator (mfa writes this file on Unix only, where npm puts the file itself on PATH).
foreach ($__mfa_dir in ([string][Environment]::GetEnvironmentVariable('PATH')).Split(':')) {
    if (-not $__mfa_dir -or -not [IO.File]::Exists([IO.Path]::Combine($__mfa_dir, 'mfa'))) { continue }
    $__mfa_state = 'stale'
    if ([IO.Path]::Combine($__mfa_dir, 'mfa').Equals(__MFA_FOUND__) -and [IO.File]::Exists(__MFA_REAL__)) {
        try {
            # The value of the first "version" key of package.json.
            $__mfa_text = [IO.File]::ReadAllText(__MFA_PACKAGE_JSON__)
            $__mfa_at = $__mfa_text.IndexOf('"version"', [StringComparison]::Ordinal)
            if ($__mfa_at -ge 0) { $__mfa_at = $__mfa_text.IndexOf([char]'"', $__mfa_text.IndexOf([char]':', $__mfa_at + 9) + 1) }
            if ($__mfa_at -ge 0 -and $__mfa_text.Substring($__mfa_at + 1).Split([char]'"')[0].Equals(__MFA_VERSION__)) { $__mfa_state = 'current' }
        } catch {}
    }
    break
}
foreach ($__mfa_at in '__mfa_dir', '__mfa_text', '__mfa_at') { $ExecutionContext.SessionState.PSVariable.Remove($__mfa_at) }
if ($__mfa_state.Equals('missing')) {
    $ExecutionContext.SessionState.PSVariable.Remove('__mfa_state')
    [Console]::Error.WriteLine('mfa: the mfa program is not on PATH; install it again, or remove its line from $PROFILE')
    return
}
if ($__mfa_state.Equals('stale')) { $ExecutionContext.SessionState.PSVariable.Remove('__mfa_state'); throw 'mfa: the cached shell integration is out of date' }
$ExecutionContext.SessionState.PSVariable.Remove('__mfa_state')

__MFA_INTEGRATION__
