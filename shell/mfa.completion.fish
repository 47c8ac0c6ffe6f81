# mfa completion for fish: commands, flags, and profile names from ~/.aws/config and
# ~/.aws/credentials wherever a profile is taken (--profile, -p, `mfa use PROFILE`).
#
# `mfa init fish | source` loads it after the integration script (oclif's autocomplete plugin has
# no fish). On its own: mfa init fish | source, or copy it to ~/.config/fish/completions/mfa.fish.

# The profiles, one a line (never an error: completion must not print into the command line).
function __mfa_complete_profiles
    if set -q __mfa_bin
        command $__mfa_bin __complete-profiles 2>/dev/null
    else
        command mfa __complete-profiles 2>/dev/null
    end
end

# True while no command has been typed yet.
function __mfa_complete_no_command
    set -l __mfa_words (commandline -opc)
    for __mfa_word in $__mfa_words[2..-1]
        switch $__mfa_word
            case '-*'
            case '*'
                return 1
        end
    end
    return 0
end

# True when the command is one of $argv and `--` has not been typed (after it, the words are the
# command line that `mfa exec` runs).
function __mfa_complete_using
    set -l __mfa_words (commandline -opc)
    contains -- -- $__mfa_words; and return 1
    set -q __mfa_words[2]; and contains -- $__mfa_words[2] $argv
end

# True for `mfa keys SUB ...` when SUB is one of $argv (with no $argv: while no SUB is typed yet).
function __mfa_complete_keys
    set -l __mfa_words (commandline -opc)
    test "$__mfa_words[2]" = keys; or return 1
    contains -- -- $__mfa_words; and return 1
    if not set -q argv[1]
        not set -q __mfa_words[3]
        return
    end
    set -q __mfa_words[3]; and contains -- $__mfa_words[3] $argv
end

complete -c mfa -e
complete -c mfa -f

# Commands (use and clear come from the shell integration).
complete -c mfa -n __mfa_complete_no_command -a login -d 'Make sure a profile has a valid MFA session'
complete -c mfa -n __mfa_complete_no_command -a status -d "Show a profile's MFA session"
complete -c mfa -n __mfa_complete_no_command -a logout -d "Forget a profile's MFA session"
complete -c mfa -n __mfa_complete_no_command -a env -d 'Print statements that put the session into a shell'
complete -c mfa -n __mfa_complete_no_command -a exec -d 'Run a command with the session in its environment'
complete -c mfa -n __mfa_complete_no_command -a credential-process -d 'The session as credential_process JSON'
complete -c mfa -n __mfa_complete_no_command -a init -d 'Print the shell integration'
complete -c mfa -n __mfa_complete_no_command -a prompt -d 'Print the prompt segment'
complete -c mfa -n __mfa_complete_no_command -a devices -d 'List your MFA devices; --save one as mfa_serial'
complete -c mfa -n __mfa_complete_no_command -a doctor -d 'Check the setup and say how to fix it'
complete -c mfa -n __mfa_complete_no_command -a help -d 'Display help for mfa'
complete -c mfa -n __mfa_complete_no_command -a autocomplete -d 'Completion for bash, zsh and PowerShell'
complete -c mfa -n __mfa_complete_no_command -a keys -d 'Long-term keys in the OS keyring'
complete -c mfa -n __mfa_complete_no_command -a use -d 'Put a session into this shell'
complete -c mfa -n __mfa_complete_no_command -a clear -d 'Take the session out of this shell'
complete -c mfa -n __mfa_complete_no_command -s h -l help -d 'Show help'
complete -c mfa -n __mfa_complete_no_command -s v -l version -d 'Show the version'

# --profile, wherever a command takes it.
complete -c mfa -n '__mfa_complete_using login status logout env exec credential-process prompt devices doctor use clear' -s p -l profile -x -a '(__mfa_complete_profiles)' -d 'AWS profile'
# `mfa use PROFILE`
complete -c mfa -n '__mfa_complete_using use; and test (count (commandline -opc)) -eq 2' -x -a '(__mfa_complete_profiles)'

# The session flags.
set -l __mfa_session_commands login env exec credential-process use
complete -c mfa -n "__mfa_complete_using $__mfa_session_commands" -s t -l token-code -x -d 'The 6-digit code your MFA device shows'
complete -c mfa -n "__mfa_complete_using $__mfa_session_commands" -s d -l duration -x -a '15m 1h 8h 12h 36h' -d 'How long the session lasts'
complete -c mfa -n "__mfa_complete_using $__mfa_session_commands" -s f -l force -d 'A new session even if one is valid'
complete -c mfa -n "__mfa_complete_using $__mfa_session_commands" -l serial-number -x -d 'ARN of the MFA device'

# Each command's own.
complete -c mfa -n '__mfa_complete_using env' -s s -l shell -x -a 'bash zsh fish powershell sh json' -d 'Shell to print statements for'
complete -c mfa -n '__mfa_complete_using env' -s u -l unset -d 'Statements that remove the session'
complete -c mfa -n '__mfa_complete_using logout' -l all -d 'Forget every session'
complete -c mfa -n '__mfa_complete_using status' -l json -d 'As JSON'
complete -c mfa -n '__mfa_complete_using status' -l offline -d 'Do not call STS'
complete -c mfa -n '__mfa_complete_using devices' -l save -d "Write the device as the profile's mfa_serial"
complete -c mfa -n '__mfa_complete_using devices' -l json -d 'As JSON'
complete -c mfa -n '__mfa_complete_using doctor' -l json -d 'As JSON'
complete -c mfa -n '__mfa_complete_using prompt' -l format -x -d 'Text with %p (profile), %t (time left)'
complete -c mfa -n '__mfa_complete_using prompt' -l color -d 'Colour the time left'
complete -c mfa -n '__mfa_complete_using prompt' -l no-color -d 'No colour'
complete -c mfa -n '__mfa_complete_using init' -x -a 'bash zsh fish powershell'
complete -c mfa -n '__mfa_complete_using autocomplete' -x -a 'bash zsh powershell'
complete -c mfa -n '__mfa_complete_using autocomplete' -s r -l refresh-cache -d 'Refresh the completion cache'
complete -c mfa -n '__mfa_complete_using help' -x -a 'login status logout env exec credential-process init prompt devices doctor keys autocomplete'
# mfa keys SUBCOMMAND, and their flags.
complete -c mfa -n __mfa_complete_keys -a import -d 'Move keys from ~/.aws/credentials into the keyring'
complete -c mfa -n __mfa_complete_keys -a add -d 'Store new keys in the keyring, typed on the terminal'
complete -c mfa -n __mfa_complete_keys -a list -d 'Profiles with long-term keys, and where they are'
complete -c mfa -n __mfa_complete_keys -a rotate -d 'A new key in IAM, stored where the old one was'
complete -c mfa -n __mfa_complete_keys -a export -d 'Back into ~/.aws/credentials, in plaintext'
complete -c mfa -n __mfa_complete_keys -a remove -d 'Delete the keys'
complete -c mfa -n '__mfa_complete_keys import add rotate export remove' -s p -l profile -x -a '(__mfa_complete_profiles)' -d 'AWS profile'
complete -c mfa -n '__mfa_complete_keys rotate' -s t -l token-code -x -d 'The 6-digit code your MFA device shows'
complete -c mfa -n '__mfa_complete_keys list' -l json -d 'As JSON'
# After `mfa exec --`: the command to run, then its own arguments.
complete -c mfa -n '__mfa_complete_using exec' -l help -d 'Show help'
complete -c mfa -n 'contains -- -- (commandline -opc)' -F -a '(__fish_complete_subcommand --fcs-skip=(math (contains -i -- -- (commandline -opc))))'
