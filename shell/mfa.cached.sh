# mfa's shell integration, cached by `mfa init` for the line in your rc file, which sources it
# without starting a process. It stands for one mfa: when the first mfa on PATH is no longer that
# file of that version (an upgrade, a move, an uninstall, another mfa first on PATH), it loads
# nothing and returns 1, and the line falls back to `mfa init`, which writes a fresh copy.
# shellcheck disable=SC2016
__mfa_real=__MFA_REAL__
__mfa_rest=${PATH}:
__mfa_found=
while [[ -n ${__mfa_rest} ]]; do
  __mfa_dir=${__mfa_rest%%:*}
  __mfa_rest=${__mfa_rest#*:}
  if [[ -f ${__mfa_dir:-.}/mfa && -x ${__mfa_dir:-.}/mfa ]]; then
    __mfa_found=${__mfa_dir:-.}/mfa
    break
  fi
done
__mfa_pkg=
if [[ -n ${__mfa_found} && ${__mfa_found} -ef ${__mfa_real} ]]; then
  # read stops at the end of the file, and says so by failing: not an error here (set -e).
  IFS= read -r -d '' __mfa_pkg <__MFA_PACKAGE_JSON__ 2>/dev/null || :
fi
# The value of the first "version" key of package.json.
__mfa_pkg=${__mfa_pkg#*\"version\"}
__mfa_pkg=${__mfa_pkg#*\"}
__mfa_pkg=${__mfa_pkg%%\"*}
if [[ ${__mfa_pkg} != __MFA_VERSION__ ]]; then
  unset __mfa_real __mfa_rest __mfa_found __mfa_dir __mfa_pkg
  return 1
fi
unset __mfa_real __mfa_rest __mfa_found __mfa_dir __mfa_pkg

__MFA_INTEGRATION__
return 0
