# mfa completion for PowerShell: commands, flags, and profile names from ~/.aws/config and
# ~/.aws/credentials wherever a profile is taken (--profile, -p, --profile=, `mfa use PROFILE`).
#
# `mfa init powershell | Out-String | Invoke-Expression` loads it after the integration script.
# It replaces the completer of `mfa autocomplete powershell` (the last one registered for mfa wins):
# with the init line in your profile, the plugin's line is not needed.

# A command is named keys, so read this table's names with .get_Keys(): .Keys would give its value.
$global:__mfa_complete_commands = [ordered]@{
    'login'              = 'Make sure a profile has a valid MFA session'
    'status'             = "Show a profile's MFA session"
    'logout'             = "Forget a profile's MFA session"
    'env'                = 'Print statements that put the session into a shell'
    'exec'               = 'Run a command with the session in its environment'
    'credential-process' = 'The session as credential_process JSON'
    'init'               = 'Print the shell integration'
    'prompt'             = 'Print the prompt segment'
    'devices'            = 'List your MFA devices; --save one as mfa_serial'
    'doctor'             = 'Check the setup and say how to fix it'
    'keys'               = 'Long-term keys in the OS keyring'
    'help'               = 'Display help for mfa'
    'autocomplete'       = 'Completion for bash, zsh and PowerShell'
    'use'                = 'Put a session into this shell'
    'clear'              = 'Take the session out of this shell'
}

# A topic's subcommands: `mfa keys SUB`.
$global:__mfa_complete_subcommands = @{
    'keys' = [ordered]@{
        'import' = "Move a profile's long-term keys from ~/.aws/credentials into the OS keyring"
        'add'    = 'Store new long-term keys for a profile in the OS keyring, typed on the terminal'
        'list'   = 'List the profiles with long-term keys and where they are'
        'remove' = "Delete a profile's long-term keys from the OS keyring"
        'export' = "Move a profile's keys from the OS keyring back into ~/.aws/credentials"
        'rotate' = "Replace a profile's access key with a new one"
    }
}

# Each command's flags (a topic's subcommand as TOPIC:SUB): name = 1 when it takes a value, 0 when it is a switch.
$global:__mfa_complete_flags = & {
    $session = [ordered]@{ '--profile' = 1; '-p' = 1; '--token-code' = 1; '-t' = 1; '--duration' = 1; '-d' = 1; '--force' = 0; '-f' = 0; '--prompt' = 1; '--serial-number' = 1; '--help' = 0 }
    $with = {
        param($extra)
        $flags = [ordered]@{}
        foreach ($key in $session.Keys) { $flags[$key] = $session[$key] }
        foreach ($key in $extra.Keys) { $flags[$key] = $extra[$key] }
        $flags
    }
    @{
        'login'              = & $with @{}
        'credential-process' = & $with @{}
        'exec'               = & $with ([ordered]@{ '--server' = 0; '--no-server' = 0 })
        'use'                = & $with @{}
        'env'                = & $with ([ordered]@{ '--shell' = 1; '-s' = 1; '--unset' = 0; '-u' = 0 })
        'clear'              = [ordered]@{ '--profile' = 1; '-p' = 1; '--help' = 0 }
        'status'             = [ordered]@{ '--profile' = 1; '-p' = 1; '--json' = 0; '--offline' = 0; '--help' = 0 }
        'logout'             = [ordered]@{ '--profile' = 1; '-p' = 1; '--all' = 0; '--help' = 0 }
        'prompt'             = [ordered]@{ '--profile' = 1; '-p' = 1; '--format' = 1; '--color' = 0; '--no-color' = 0; '--help' = 0 }
        'devices'            = [ordered]@{ '--profile' = 1; '-p' = 1; '--save' = 0; '--json' = 0; '--help' = 0 }
        'doctor'             = [ordered]@{ '--profile' = 1; '-p' = 1; '--json' = 0; '--help' = 0 }
        'init'               = [ordered]@{ '--help' = 0 }
        'keys:import'        = [ordered]@{ '--profile' = 1; '-p' = 1; '--help' = 0 }
        'keys:add'           = [ordered]@{ '--profile' = 1; '-p' = 1; '--help' = 0 }
        'keys:remove'        = [ordered]@{ '--profile' = 1; '-p' = 1; '--help' = 0 }
        'keys:export'        = [ordered]@{ '--profile' = 1; '-p' = 1; '--help' = 0 }
        'keys:rotate'        = [ordered]@{ '--profile' = 1; '-p' = 1; '--token-code' = 1; '-t' = 1; '--help' = 0 }
        'keys:list'          = [ordered]@{ '--json' = 0; '--help' = 0 }
        'autocomplete'       = [ordered]@{ '--refresh-cache' = 0; '-r' = 0; '--help' = 0 }
        'help'               = [ordered]@{}
    }
}

# The values a flag or a command's argument takes, when they are a fixed list.
$global:__mfa_complete_values = @{
    '--shell'      = @('bash', 'zsh', 'fish', 'powershell', 'sh', 'json')
    '-s'           = @('bash', 'zsh', 'fish', 'powershell', 'sh', 'json')
    '--duration'   = @('15m', '1h', '8h', '12h', '36h')
    '-d'           = @('15m', '1h', '8h', '12h', '36h')
    '--prompt'     = @('terminal', 'zenity', 'kdialog', 'osascript', 'ykman')
    'init'         = @('bash', 'zsh', 'fish', 'powershell')
    'autocomplete' = @('bash', 'zsh', 'powershell')
}

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

Register-ArgumentCompleter -Native -CommandName mfa -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $word = [string]$wordToComplete
    # The words before the one under the cursor, as typed (the first is mfa itself).
    $before = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition -or ($word -eq '' -and $_.Extent.EndOffset -le $cursorPosition) } | ForEach-Object {
            if ($_ -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $_.Value } else { $_.Extent.Text }
        })
    if ($word -ne '' -and $before.Count -gt 0 -and $before[-1] -eq $word) { $before = @($before | Select-Object -SkipLast 1) }
    $rest = @($before | Select-Object -Skip 1)
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
