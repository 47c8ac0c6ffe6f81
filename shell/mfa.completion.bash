# shellcheck shell=bash
# mfa completion for bash: profile names from ~/.aws/config and ~/.aws/credentials after --profile,
# -p and `mfa use`, on top of the commands and flags that oclif's autocomplete plugin completes.
#
# `eval "$(mfa init bash)"` loads it after the integration script. The plugin's completion comes
# from its cache, which `mfa autocomplete bash` (or `mfa autocomplete --refresh-cache`) builds: with
# this file loaded, the plugin's own line in ~/.bashrc is not needed (if you keep it, put it before
# the init line: the last `complete` for mfa wins).

# The plugin's completion function, from its cache, unless the shell has it already. The cache is
# oclif's: $MFA_CACHE_DIR, else ~/Library/Caches/mfa on macOS, else ${XDG_CACHE_HOME:-~/.cache}/mfa.
if ! \builtin declare -F _mfa_autocomplete >/dev/null; then
  if [[ -n ${MFA_CACHE_DIR-} ]]; then
    __mfa_ac=${MFA_CACHE_DIR}
  elif [[ ${OSTYPE-} == darwin* ]]; then
    __mfa_ac=${HOME-}/Library/Caches/mfa
  else
    __mfa_ac=${XDG_CACHE_HOME:-${HOME-}/.cache}/mfa
  fi
  __mfa_ac=${__mfa_ac}/autocomplete/functions/bash/mfa.bash
  if [[ -f ${__mfa_ac} ]]; then
    # shellcheck disable=SC1090
    \builtin source "${__mfa_ac}"
  fi
  \builtin unset -v __mfa_ac
fi

# Sets COMPREPLY to the profiles that start with $1, quoted for the command line.
__mfa_complete_profiles() {
  local __mfa_name __mfa_quoted
  COMPREPLY=()
  # shellcheck disable=SC2312 # when mfa fails, no names is the answer
  while IFS= \builtin read -r __mfa_name; do
    if [[ ${__mfa_name} == "$1"* ]]; then
      \builtin printf -v __mfa_quoted '%q' "${__mfa_name}"
      COMPREPLY+=("${__mfa_quoted}")
    fi
  done < <(\command "${__mfa_bin:-mfa}" __complete-profiles 2>/dev/null)
}

__mfa_complete() {
  local __mfa_cur=${COMP_WORDS[COMP_CWORD]-} __mfa_prev='' __mfa_i
  if ((COMP_CWORD > 0)); then
    __mfa_prev=${COMP_WORDS[COMP_CWORD - 1]-}
  fi
  # After `--` the words belong to the command that `mfa exec` runs: bash's default completion.
  for ((__mfa_i = 1; __mfa_i < COMP_CWORD; __mfa_i++)); do
    if [[ ${COMP_WORDS[__mfa_i]} == -- ]]; then
      \builtin compopt -o default 2>/dev/null || :
      COMPREPLY=()
      return 0
    fi
  done
  # --profile=NAME: COMP_WORDBREAKS splits it into --profile, = and NAME.
  if [[ ${__mfa_cur} == = && ${__mfa_prev} == --profile ]]; then
    __mfa_cur=''
  elif [[ ${__mfa_prev} == = ]] && ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD - 2]} == --profile ]]; then
    __mfa_prev=--profile
  fi
  if [[ ${__mfa_prev} == --profile || ${__mfa_prev} == -p ]] || [[ ${COMP_CWORD} == 2 && ${COMP_WORDS[1]} == use && ${__mfa_cur} != -* ]]; then
    __mfa_complete_profiles "${__mfa_cur}"
    return 0
  fi
  if \builtin declare -F _mfa_autocomplete >/dev/null; then
    _mfa_autocomplete "$@"
  fi
}

\builtin complete -F __mfa_complete mfa
