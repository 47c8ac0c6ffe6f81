# mfa's shell integration, cached by `mfa init` for the line in config.fish, which sources it
# without starting a process. It stands for one mfa: when the first mfa on PATH is no longer that
# file of that version (an upgrade, a move, an uninstall, another mfa first on PATH), it loads
# nothing and returns 1, and the line falls back to `mfa init`, which writes a fresh copy.
set -l __mfa_found (command -s mfa)[1]
set -l __mfa_pkg
if test -n "$__mfa_found"; and test "$__mfa_found" -ef __MFA_REAL__
    read -z __mfa_pkg <__MFA_PACKAGE_JSON__ 2>/dev/null
end
# The value of the first "version" key of package.json.
if test (string replace -r '(?s)^.*?"version"\s*:\s*"([^"]*)".*$' '$1' -- "$__mfa_pkg") != __MFA_VERSION__
    return 1
end

__MFA_INTEGRATION__
return 0
