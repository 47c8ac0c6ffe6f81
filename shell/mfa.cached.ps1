# mfa's shell integration, cached by `mfa init` for the line in $PROFILE, which dot-sources it
# without starting a process. It stands for one mfa, and checks that on the first call of mfa in
# the shell, not at start (a check costs a new pwsh tens of milliseconds, see mfa.ps1):
# the code of __mfa_check (text, as the integration's is, until it runs) gives 'current' while the
# first mfa on PATH is that file of that version, the path of the mfa found there otherwise (an
# upgrade, a move, another mfa first on PATH), and nothing when there is none (npm uninstall).
# mfa writes the copy without the comment lines of these scripts (src/shells/powershell.ts).
function global:__mfa_check {
    @'
# ':' is PATH's separator: mfa writes this file on Unix only, where npm puts the file itself on PATH.
foreach ($dir in ([string][Environment]::GetEnvironmentVariable('PATH')).Split(':')) {
    if (-not $dir -or -not [IO.File]::Exists([IO.Path]::Combine($dir, 'mfa'))) { continue }
    $found = [IO.Path]::Combine($dir, 'mfa')
    if (-not ($found.Equals(__MFA_FOUND__) -and [IO.File]::Exists(__MFA_REAL__))) { return $found }
    try {
        # The value of the first "version" key of package.json.
        $text = [IO.File]::ReadAllText(__MFA_PACKAGE_JSON__)
        $at = $text.IndexOf('"version"', [StringComparison]::Ordinal)
        if ($at -ge 0) { $at = $text.IndexOf([char]'"', $text.IndexOf([char]':', $at + 9) + 1) }
        if ($at -ge 0 -and $text.Substring($at + 1).Split([char]'"')[0].Equals(__MFA_VERSION__)) { return 'current' }
    } catch {}
    return $found
}
'@
}

__MFA_INTEGRATION__
