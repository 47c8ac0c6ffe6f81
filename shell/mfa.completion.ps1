# mfa completion for PowerShell: commands, flags, and profile names from ~/.aws/config and
# ~/.aws/credentials wherever a profile is taken (--profile, -p, --profile=, `mfa use PROFILE`).
#
# `mfa init powershell | Out-String | Invoke-Expression` loads it after the integration script.
# It replaces the completer of `mfa autocomplete powershell` (the last one registered for mfa wins):
# with the init line in your profile, the plugin's line is not needed.

# What runs when pwsh starts is only the registration at the end: the completer's code is text
# until the first Tab (a new pwsh compiles whatever it runs for the first time).
function global:__mfa_complete_code {
    @'
__MFA_COMPLETE_TABLES__

# Values that are not a fixed list, offered as examples.
$global:__mfa_complete_values['--duration'] = @('15m', '1h', '8h', '12h', '36h')
$global:__mfa_complete_values['-d'] = @('15m', '1h', '8h', '12h', '36h')
$global:__mfa_complete_values['--prompt'] = @('terminal', 'zenity', 'kdialog', 'osascript', 'ykman')

# The profiles, one a line, from `mfa __complete-profiles` (never an error, $LASTEXITCODE kept).
function global:__mfa_complete_profiles {
    $code = $global:LASTEXITCODE
    try {
        if (Get-Command -Name mfa -CommandType Function -ErrorAction Ignore) { @(mfa __complete-profiles 2>$null) }
        else { @(& mfa __complete-profiles 2>$null) }
    } catch {
        @()
    } finally {
        $global:LASTEXITCODE = $code
    }
}

# A word as it must be typed: single-quoted when PowerShell would read it otherwise.
function global:__mfa_complete_quote([string]$Word) {
    if ($Word -match '^[A-Za-z0-9_./:=+-]+$' -and $Word -notmatch '^[-@]') { return $Word }
    return "'" + ($Word -replace "['\u2018\u2019\u201A\u201B]", '$0$0') + "'"
}

function global:__mfa_complete {
    param($wordToComplete, $commandAst, $cursorPosition)
    $word = [string]$wordToComplete
    # The words before the one under the cursor, as typed (the first is mfa itself).
    $before = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition -or ($word -eq '' -and $_.Extent.EndOffset -le $cursorPosition) } | ForEach-Object {
            if ($_ -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $_.Value } else { $_.Extent.Text }
        })
    if ($word -ne '' -and $before.Count -gt 0 -and $before[-1] -eq $word) { $before = @(if ($before.Count -gt 1) { $before[0..($before.Count - 2)] }) }
    # Slices, not Select-Object: the first cmdlet of a module makes pwsh import it (Utility: 70 ms).
    $rest = @(if ($before.Count -gt 1) { $before[1..($before.Count - 1)] })
    $results = [System.Collections.Generic.List[System.Management.Automation.CompletionResult]]::new()
    $add = {
        param([string]$Text, [string]$Type, [string]$Tip)
        if (-not $Tip) { $Tip = $Text }
        $results.Add([System.Management.Automation.CompletionResult]::new($Text, $Text, $Type, $Tip))
    }

    # After `--` the words are the command that `mfa exec` runs: its name, then nothing of mfa's.
    $dash = [array]::IndexOf([string[]]$rest, '--')
    if ($dash -ge 0) {
        if ($dash -eq $rest.Count - 1) {
            Get-Command -Name "$word*" -CommandType Application, Function, Cmdlet, Alias -ErrorAction Ignore |
                ForEach-Object { $_.Name } | Sort-Object -Unique | ForEach-Object { & $add $_ 'Command' }
        }
        return $results
    }

    # The command: the first word that is not a flag (nor a flag's value).
    $command = $null
    $positional = 0
    $flags = $null
    for ($i = 0; $i -lt $rest.Count; $i++) {
        $w = [string]$rest[$i]
        if ($null -eq $command) {
            if (-not $w.StartsWith('-')) { $command = $w; $flags = $global:__mfa_complete_flags[$w] }
            continue
        }
        # A topic's first word is its subcommand: `keys rotate` has the flags of keys:rotate.
        if ($global:__mfa_complete_subcommands.Contains($command) -and -not $w.StartsWith('-')) {
            $command = "${command}:$w"; $flags = $global:__mfa_complete_flags[$command]
            continue
        }
        if ($w.StartsWith('-')) {
            if ($null -ne $flags -and -not $w.Contains('=') -and $flags.Contains($w) -and $flags[$w] -eq 1) { $i++ }
            continue
        }
        $positional++
    }
    $previous = if ($rest.Count -gt 0) { [string]$rest[-1] } else { '' }

    if ($null -eq $command) {
        if ($word.StartsWith('-')) {
            foreach ($flag in '--help', '--version', '-h', '-v') { if ($flag.StartsWith($word)) { & $add $flag 'ParameterName' } }
        } else {
            foreach ($name in $global:__mfa_complete_commands.get_Keys()) {
                if ($name.StartsWith($word)) { & $add $name 'ParameterValue' $global:__mfa_complete_commands[$name] }
            }
        }
        return $results
    }

    $profiles = {
        param([string]$Prefix, [string]$Typed)
        foreach ($name in __mfa_complete_profiles) {
            if ($name.StartsWith($Typed)) { & $add ($Prefix + (__mfa_complete_quote $name)) 'ParameterValue' $name }
        }
    }
    # A flag's value: --profile NAME, -p NAME, --profile=NAME, --shell NAME ...
    $takesValue = $null -ne $flags -and $previous.StartsWith('-') -and -not $previous.Contains('=') -and $flags.Contains($previous) -and $flags[$previous] -eq 1
    if ($takesValue -and ($previous -eq '--profile' -or $previous -eq '-p')) { & $profiles '' $word; return $results }
    if ($word -match '^(--profile=)(.*)$') { & $profiles $Matches[1] $Matches[2]; return $results }
    if ($takesValue) {
        foreach ($value in @($global:__mfa_complete_values[$previous])) { if ($null -ne $value -and $value.StartsWith($word)) { & $add $value 'ParameterValue' } }
        return $results
    }
    if ($word.StartsWith('-')) {
        if ($null -ne $flags) { foreach ($flag in $flags.Keys) { if ($flag.StartsWith($word)) { & $add $flag 'ParameterName' } } }
        return $results
    }
    # The command's own arguments.
    if ($global:__mfa_complete_subcommands.Contains($command)) {
        $subcommands = $global:__mfa_complete_subcommands[$command]
        foreach ($name in $subcommands.Keys) { if ($name.StartsWith($word)) { & $add $name 'ParameterValue' $subcommands[$name] } }
        return $results
    }
    if ($command -eq 'use' -and $positional -eq 0) { & $profiles '' $word; return $results }
    if ($command -eq 'help' -and $positional -eq 0) {
        foreach ($name in $global:__mfa_complete_commands.get_Keys()) { if ($name -ne 'use' -and $name -ne 'clear' -and $name.StartsWith($word)) { & $add $name 'ParameterValue' } }
        return $results
    }
    if ($global:__mfa_complete_values.Contains($command) -and $positional -eq 0) {
        foreach ($value in $global:__mfa_complete_values[$command]) { if ($value.StartsWith($word)) { & $add $value 'ParameterValue' } }
        return $results
    }
    return $results
}

Register-ArgumentCompleter -Native -CommandName mfa -ScriptBlock { __mfa_complete $args[0] $args[1] $args[2] }
'@
}

# The first Tab runs the completer's text, which registers __mfa_complete in place of this block.
Register-ArgumentCompleter -Native -CommandName mfa -ScriptBlock {
    . ([scriptblock]::Create((__mfa_complete_code)))
    __mfa_complete $args[0] $args[1] $args[2]
}
