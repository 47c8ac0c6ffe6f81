# mfa shell integration for fish (3.1 and later).
#
# Install: add this line to ~/.config/fish/config.fish
#
#     mfa init fish | source
#
# What it defines:
#   mfa use [PROFILE] [ARGS...]   put a session into THIS shell
#                                 (sources: mfa env --shell fish [--profile PROFILE] [ARGS...])
#   mfa clear [ARGS...]           take it out again (sources: mfa env --shell fish --unset [ARGS...])
#   mfa ARGS...                   anything else goes to the mfa program as it is
#   mfa_prompt                    prints the segment, e.g. "aws:default 42m", or nothing without a
#                                 session; for your prompt:
#                                     function fish_right_prompt; mfa_prompt; end
#                                 fish 3 has no clock of its own: with a session, this runs `date +%s`.
# Settings (global or universal variables, or the environment):
#   MFA_PROMPT_FORMAT   'aws:%p %t' by default: %p profile, %t time left, %% a percent sign
#   MFA_PROMPT_COLOR=0  no colour (nor when NO_COLOR is set); else yellow under 10 minutes, red when expired
#   MFA_WARN=1          warn on stderr, once per session, when it has less than 10 minutes left

set -g __mfa_bin __MFA_BIN__
# Tells `mfa doctor` (a child process) that the integration is loaded.
set -gx MFA_SHELL fish

# Prints the seconds the session in MFA_EXPIRY has left; fails when there is none. At most 15
# digits (exact in math's doubles); more than 36h15m left (130500 s: GetSessionToken's longest
# session and a clock 15 minutes behind) is no session either.
function __mfa_time_left
    string match -qr '^[0-9]{1,15}$' -- "$MFA_EXPIRY"; or return 1
    set -l __mfa_now (command date +%s); or return 1
    string match -qr '^[0-9]{1,15}$' -- "$__mfa_now"; or return 1
    set -l __mfa_left (math "$MFA_EXPIRY - $__mfa_now")
    test "$__mfa_left" -le 130500; or return 1
    echo $__mfa_left
end

# Prints the segment for $argv[1] seconds left (no newline).
function __mfa_segment --argument-names __mfa_left
    set -l __mfa_t expired
    if test $__mfa_left -ge 3600
        set __mfa_t (printf '%dh%02dm' (math "floor($__mfa_left / 3600)") (math "floor($__mfa_left / 60) % 60"))
    else if test $__mfa_left -ge 60
        set __mfa_t (math "floor($__mfa_left / 60)")m
    else if test $__mfa_left -gt 0
        set __mfa_t '<1m'
    end
    set -l __mfa_f 'aws:%p %t'
    if test -n "$MFA_PROMPT_FORMAT"
        set __mfa_f "$MFA_PROMPT_FORMAT"
    end
    # %% first, then %p, then %t, each by splitting (`string split` keeps newlines), so that what
    # is put in is never scanned again: the same result as reading the format from left to right.
    set -l __mfa_out ''
    set -l __mfa_i 0
    for __mfa_part in (string split -- '%%' "$__mfa_f")
        if test $__mfa_i -gt 0
            set __mfa_out "$__mfa_out%"
        end
        set __mfa_i 1
        set -l __mfa_j 0
        for __mfa_piece in (string split -- '%p' "$__mfa_part")
            if test $__mfa_j -gt 0
                set __mfa_out "$__mfa_out$MFA_PROFILE"
            end
            set __mfa_j 1
            set -l __mfa_k 0
            for __mfa_bit in (string split -- '%t' "$__mfa_piece")
                if test $__mfa_k -gt 0
                    set __mfa_out "$__mfa_out$__mfa_t"
                end
                set __mfa_k 1
                set __mfa_out "$__mfa_out$__mfa_bit"
            end
        end
    end
    test -n "$__mfa_out"; or return 0
    if test "$MFA_PROMPT_COLOR" != 0; and test -z "$NO_COLOR"
        if test $__mfa_left -le 0
            printf '\e[31m%s\e[0m' "$__mfa_out"
            return 0
        else if test $__mfa_left -lt 600
            printf '\e[33m%s\e[0m' "$__mfa_out"
            return 0
        end
    end
    printf '%s' "$__mfa_out"
end

function mfa_prompt --description 'Print the AWS session segment: aws:PROFILE 42m'
    set -l __mfa_status $status
    set -l __mfa_left (__mfa_time_left)
    and __mfa_segment $__mfa_left
    return $__mfa_status
end

# With MFA_WARN=1: one line on stderr per session (per MFA_EXPIRY) under 10 minutes left.
function __mfa_warn --on-event fish_prompt
    set -l __mfa_status $status
    if test "$MFA_WARN" = 1; and test "$__mfa_warned" != "$MFA_EXPIRY"
        set -l __mfa_left (__mfa_time_left)
        if test $status -eq 0; and test $__mfa_left -lt 600
            set -g __mfa_warned "$MFA_EXPIRY"
            set -l __mfa_when 'has expired'
            if test $__mfa_left -ge 60
                set __mfa_when "expires in "(math "floor($__mfa_left / 60)")" minutes"
            else if test $__mfa_left -gt 0
                set __mfa_when 'expires in less than a minute'
            end
            printf 'mfa: the AWS session of profile %s %s; renew it with: mfa use %s\n' \
                "$MFA_PROFILE" $__mfa_when (string escape -- "$MFA_PROFILE") >&2
        end
    end
    return $__mfa_status
end

function mfa --description 'mfa, with `mfa use` and `mfa clear` acting on this shell'
    set -l __mfa_rest $argv
    set -e __mfa_rest[1]
    switch "$argv[1]"
        case use
            set -l __mfa_args env --shell fish
            if set -q __mfa_rest[1]; and not string match -q -- '-*' "$__mfa_rest[1]"
                set -a __mfa_args --profile
            end
            # Only when the command succeeds is its output run; `source` gets it whole again
            # (a command substitution splits at newlines, and join puts them back).
            set -l __mfa_out (command $__mfa_bin $__mfa_args $__mfa_rest); or return
            string join \n -- $__mfa_out | source
        case clear
            set -l __mfa_out (command $__mfa_bin env --shell fish --unset $__mfa_rest); or return
            string join \n -- $__mfa_out | source
        case '*'
            command $__mfa_bin $argv
    end
end
