# mfa's shell integration, cached by `mfa init` for the line in $PROFILE, which dot-sources it
# without starting a process. It stands for one mfa: when the first mfa on PATH is no longer that
# file of that version (an upgrade, a move, another mfa first on PATH), it loads nothing and
# throws, and the line falls back to `mfa init`, which writes a fresh copy. With no mfa on PATH
# (npm uninstall) it says so in one line.
$__mfa_state = & {
    $found = $null
    foreach ($dir in $env:PATH.Split([IO.Path]::PathSeparator)) {
        if ($dir -and [IO.File]::Exists([IO.Path]::Combine($dir, 'mfa'))) { $found = [IO.Path]::Combine($dir, 'mfa'); break }
    }
    if (-not $found) { return 'missing' }
    $version = $null
    if ($found -eq __MFA_FOUND__ -and [IO.File]::Exists(__MFA_REAL__)) {
        try {
            $text = [IO.File]::ReadAllText(__MFA_PACKAGE_JSON__)
            if ($text -match '"version"\s*:\s*"([^"]*)"') { $version = $Matches[1] }
        } catch {}
    }
    if ($version -eq __MFA_VERSION__) { 'current' } else { 'stale' }
}
if ($__mfa_state -eq 'missing') {
    Remove-Variable __mfa_state
    [Console]::Error.WriteLine('mfa: the mfa program is not on PATH; install it again, or remove its line from $PROFILE')
    return
}
if ($__mfa_state -ne 'current') { Remove-Variable __mfa_state; throw 'mfa: the cached shell integration is out of date' }
Remove-Variable __mfa_state

__MFA_INTEGRATION__
