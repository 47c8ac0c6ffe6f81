# mfa shell integration for PowerShell (Windows PowerShell 5.1 and PowerShell 7).
#
# Install: add this line to your profile (notepad $PROFILE)
#
#     mfa init powershell | Out-String | Invoke-Expression
#
# What it defines:
#   mfa use [PROFILE] [ARGS...]   put a session into THIS shell
#                                 (runs: mfa env --shell powershell [--profile PROFILE] [ARGS...])
#   mfa clear [ARGS...]           take it out again (runs: mfa env --shell powershell --unset [ARGS...])
#   mfa ARGS...                   anything else goes to the mfa program as it is
#   mfa_prompt                    returns the segment, e.g. "aws:default 42m", or '' without a session;
#                                 no process is started, so it fits in your prompt:
#                                     function prompt { "$(mfa_prompt) PS $($PWD.Path)> " }
# Settings (environment variables, or global variables of the same name):
#   MFA_PROMPT_FORMAT   'aws:%p %t' by default: %p profile, %t time left, %% a percent sign
#   MFA_PROMPT_COLOR=0  no colour (nor when NO_COLOR is set); else yellow under 10 minutes, red when expired
#   MFA_WARN=1          warn on stderr, once per session, when it has less than 10 minutes left
#                       (checked before each prompt from the first call of mfa or mfa_prompt on)

# A new pwsh compiles whatever it parses and runs for the first time, and what a profile holds
# delays the first prompt. So what loads is function definitions whose code is text: the
# integration runs at the first call of mfa, or of mfa_prompt with a session in the environment
# (the prompt hook waits until then too). It is run as a script block, never by a cmdlet of a
# module (Invoke-Expression): pwsh would import the module first, 70 ms or more.
function global:__mfa_code {
    @'
$global:__mfa_bin = __MFA_BIN__
# On Windows a .js or .cjs file is no program (it would open in Windows Script Host): node runs it there.
$global:__mfa_windows = [System.IO.Path]::DirectorySeparatorChar -eq [char]'\'
# Tells `mfa doctor` (a child process) that the integration is loaded.
[Environment]::SetEnvironmentVariable('MFA_SHELL', 'powershell')
# Safe under Set-StrictMode: every variable read below exists, environment variables are read
# through [Environment] (null when unset).
# What this text runs (at the first call of mfa or mfa_prompt, perhaps in the first prompt) is kept
# to .NET methods: the first cmdlet of a module (Test-Path, Remove-Variable, Select-Object) makes
# pwsh import that module, a tenth of a second or more.
if ($null -eq $ExecutionContext.SessionState.PSVariable.Get('global:__mfa_warned')) { $global:__mfa_warned = $null }

# Methods, not cmdlets, on the prompt path: Get-Variable on a missing name costs a millisecond.
function global:__mfa_setting([string]$Name) {
    $value = [Environment]::GetEnvironmentVariable($Name)
    if ($null -eq $value) {
        $variable = $ExecutionContext.SessionState.PSVariable.GetValue($Name)
        if ($null -ne $variable) { $value = [string]$variable }
    }
    return $value
}

# Seconds the session in MFA_EXPIRY has left, or $null when there is none. More than 36h15m left
# (130500 s: GetSessionToken's longest session and a clock 15 minutes behind) is none either.
function global:__mfa_time_left {
    $expiry = [Environment]::GetEnvironmentVariable('MFA_EXPIRY')
    if ($null -eq $expiry -or $expiry -notmatch '^[0-9]{1,15}\z') { return $null }
    $left = [long]$expiry - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($left -gt 130500) { return $null }
    return $left
}

function global:__mfa_segment([long]$Left) {
    if ($Left -le 0) { $time = 'expired' }
    elseif ($Left -lt 60) { $time = '<1m' }
    elseif ($Left -lt 3600) { $time = '{0}m' -f [math]::Floor($Left / 60) }
    else { $time = '{0}h{1:00}m' -f [math]::Floor($Left / 3600), ([math]::Floor($Left / 60) % 60) }
    $format = __mfa_setting 'MFA_PROMPT_FORMAT'
    $name = [string][Environment]::GetEnvironmentVariable('MFA_PROFILE')
    # The default format ('aws:%p %t') without the general rule: its first run in a new pwsh costs
    # tens of milliseconds (each .NET call is bound when it first runs), and it may be the first prompt.
    if (-not $format) { $text = "aws:$name $time" } else { $text = __mfa_format $format $name $time }
    $noColor = __mfa_setting 'NO_COLOR'
    if (-not $text -or (__mfa_setting 'MFA_PROMPT_COLOR') -eq '0' -or $noColor) { return $text }
    $esc = [char]27
    if ($Left -le 0) { return "${esc}[31m${text}${esc}[0m" }
    if ($Left -lt 600) { return "${esc}[33m${text}${esc}[0m" }
    return $text
}

# %p, %t and %% from left to right; what is put in is never scanned again.
function global:__mfa_format([string]$Format, [string]$Name, [string]$Time) {
    $text = [System.Text.StringBuilder]::new()
    $last = 0
    foreach ($match in [regex]::Matches($Format, '%([pt%])')) {
        $null = $text.Append($Format, $last, $match.Index - $last)
        $code = $match.Groups[1].Value
        if ($code -ceq 'p') { $null = $text.Append($Name) } elseif ($code -ceq 't') { $null = $text.Append($Time) } else { $null = $text.Append('%') }
        $last = $match.Index + $match.Length
    }
    return $text.Append($Format, $last, $Format.Length - $last).ToString()
}

function global:mfa_prompt {
    $left = __mfa_time_left
    if ($null -eq $left) { return '' }
    return __mfa_segment $left
}

# With MFA_WARN=1: one line on stderr per session (per MFA_EXPIRY) under 10 minutes left.
function global:__mfa_warn {
    $expiry = [Environment]::GetEnvironmentVariable('MFA_EXPIRY')
    if ((__mfa_setting 'MFA_WARN') -ne '1' -or $global:__mfa_warned -eq $expiry) { return }
    $left = __mfa_time_left
    if ($null -eq $left -or $left -ge 600) { return }
    $global:__mfa_warned = $expiry
    $name = [string][Environment]::GetEnvironmentVariable('MFA_PROFILE')
    if ($left -ge 60) { $when = 'expires in {0} minutes' -f [math]::Floor($left / 60) }
    elseif ($left -gt 0) { $when = 'expires in less than a minute' }
    else { $when = 'has expired' }
    $quoted = "'" + ($name -replace "['\u2018\u2019\u201A\u201B]", '$0$0') + "'"
    [Console]::Error.WriteLine("mfa: the AWS session of profile $name $when; renew it with: mfa use $quoted")
}

# Runs the mfa program with these arguments, each exactly as it is: on Unix, pwsh expands * ? [ ]
# and ~ in any argument of a program that is not a quoted literal (a variable's value too), so each
# one is written as a quoted literal.
function global:__mfa_run {
    $words = @(foreach ($word in $args) { "'" + ([string]$word -replace "['\u2018\u2019\u201A\u201B]", '$0$0') + "'" })
    $program = if ($global:__mfa_windows -and $global:__mfa_bin -match '\.c?js$') { '& node $global:__mfa_bin' } else { '& $global:__mfa_bin' }
    & ([scriptblock]::Create($program + ' ' + ($words -join ' ')))
}

function global:mfa {
    $rest = @(if ($args.Count -gt 1) { $args[1..($args.Count - 1)] })
    if ($args.Count -gt 0 -and ($args[0] -ceq 'use' -or $args[0] -ceq 'clear')) {
        if ($args[0] -ceq 'clear') {
            $command = @('env', '--shell', 'powershell', '--unset')
        } else {
            $command = @('env', '--shell', 'powershell')
            if ($rest.Count -gt 0 -and -not ([string]$rest[0]).StartsWith('-')) { $command += '--profile' }
        }
        # Only when the command succeeds is its output run (each statement is one line).
        $output = __mfa_run @command @rest
        if ($LASTEXITCODE -ne 0) { return }
        $script = @($output) -join "`n"
        if ($script) { . ([scriptblock]::Create($script)) }
        return
    }
    __mfa_run @args
}

# The warning runs before the prompt; the prompt you had is kept, and $? and $LASTEXITCODE with it.
# Hooked once: loading again keeps the hook, or hooks again when something replaced the prompt since.
$__mfa_prompt = $ExecutionContext.InvokeCommand.GetCommand('prompt', 'Function')
if (-not ($__mfa_prompt -and $__mfa_prompt.ScriptBlock.ToString().Contains('__mfa_prompt_old'))) {
    $global:__mfa_prompt_old = if ($__mfa_prompt) { $__mfa_prompt.ScriptBlock } else { $null }
    function global:prompt {
        # $? first: every statement changes it.
        $__mfa_ok = $global:?
        $__mfa_had_code = $null -ne $ExecutionContext.SessionState.PSVariable.Get('global:LASTEXITCODE')
        if ($__mfa_had_code) { $__mfa_code = $global:LASTEXITCODE }
        __mfa_warn
        if ($__mfa_had_code) { $global:LASTEXITCODE = $__mfa_code }
        # $? cannot be assigned: the last command before your prompt runs sets it as it was.
        if ($__mfa_ok) { $null = 1 } else { Write-Error -Message '' -ErrorAction Ignore }
        if ($null -ne $global:__mfa_prompt_old) { & $global:__mfa_prompt_old } else { "PS $($executionContext.SessionState.Path.CurrentLocation)> " }
    }
}
$ExecutionContext.SessionState.PSVariable.Remove('__mfa_prompt')
'@
}

# The first call of mfa runs this text, then itself as loaded. A cached copy (mfa.cached.ps1, which
# defines __mfa_check) first checks that it still stands for the first mfa on PATH: when another
# one is there, that mfa's integration replaces this one (and caches itself); with none, mfa only
# says so.
function global:__mfa_boot {
    @'
if ($null -ne $function:__mfa_check) {
    $found = . ([scriptblock]::Create((__mfa_check)))
    $ExecutionContext.SessionState.InvokeProvider.Item.Remove('function:__mfa_check', $false)
    if (-not $found) {
        function global:mfa {
            [Console]::Error.WriteLine('mfa: the mfa program is not on PATH; install it again and open a new shell, or remove its line from $PROFILE')
            $global:LASTEXITCODE = 127
        }
        return
    }
    if ($found -cne 'current') { . ([scriptblock]::Create(((& $found init powershell) -join "`n"))) }
}
. ([scriptblock]::Create((__mfa_code)))
'@
}

function global:mfa {
    . ([scriptblock]::Create((__mfa_boot)))
    mfa @args
}
# Without a session in the environment the segment is empty: nothing to load for it yet.
function global:mfa_prompt {
    if ($null -eq [Environment]::GetEnvironmentVariable('MFA_EXPIRY')) { return '' }
    . ([scriptblock]::Create((__mfa_code)))
    mfa_prompt
}
