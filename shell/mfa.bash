# mfa shell integration for bash (3.2 and later).
#
# Install: add this line to ~/.bashrc
#
#     eval "$(mfa init bash)"
#
# What it defines:
#   mfa use [PROFILE] [ARGS...]   put a session into THIS shell
#                                 (evaluates: mfa env --shell bash [--profile PROFILE] [ARGS...])
#   mfa clear [ARGS...]           take it out again (evaluates: mfa env --shell bash --unset [ARGS...])
#   mfa ARGS...                   anything else goes to the mfa program as it is
#   mfa_prompt                    prints the segment, e.g. "aws:default 42m", or nothing without a session
#   MFA_PROMPT_SEGMENT            set before each prompt, with a trailing space, ready for PS1:
#                                     PS1='${MFA_PROMPT_SEGMENT}\$ '
#                                 (computed from MFA_EXPIRY and the shell's clock: no process is started)
# Settings (shell or environment variables):
#   MFA_PROMPT_FORMAT   'aws:%p %t' by default: %p profile, %t time left, %% a percent sign
#   MFA_PROMPT_COLOR=0  no colour (nor when NO_COLOR is set); else yellow under 10 minutes, red when expired
#   MFA_WARN=1          warn on stderr, once per session, when it has less than 10 minutes left

# The path of the mfa program, quoted by `mfa init` (a `$` in it is meant literally).
# shellcheck disable=SC2016
__mfa_bin=__MFA_BIN__
# Tells `mfa doctor` (a child process) that the integration is loaded.
export MFA_SHELL=bash

# Sets the caller's __mfa_now to the epoch seconds: bash 5 has $EPOCHSECONDS, bash 4.2 printf's
# %(...)T; only bash 3.2 (macOS) starts a process for it.
__mfa_clock() {
  if [[ -n ${EPOCHSECONDS-} ]]; then
    __mfa_now=${EPOCHSECONDS}
  elif ((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 2))); then
    \builtin printf -v __mfa_now '%(%s)T' -1
  else
    __mfa_now=$(\command date +%s)
  fi
}

# Sets the caller's __mfa_left to the seconds the session in MFA_EXPIRY has left; fails when there
# is none. MFA_EXPIRY must be digits: arithmetic on any other text could run code (a[$(cmd)]), and
# at most 15 of them, checked before any arithmetic (20 would overflow it). More than 36h15m left
# (130500 s: GetSessionToken's longest session and a clock 15 minutes behind) is no session either.
__mfa_time_left() {
  local __mfa_expiry=${MFA_EXPIRY-} __mfa_now=
  if [[ -z ${__mfa_expiry} || ${__mfa_expiry} == *[!0-9]* || ${#__mfa_expiry} -gt 15 ]]; then
    return 1
  fi
  __mfa_clock
  if [[ -z ${__mfa_now} || ${__mfa_now} == *[!0-9]* ]]; then
    return 1
  fi
  __mfa_left=$((10#${__mfa_expiry} - 10#${__mfa_now}))
  ((__mfa_left <= 130500))
}

# Sets the caller's __mfa_seg to the segment for __mfa_left seconds. $1: "plain", or "ps1" to wrap
# the colour escapes in \001 \002 (what \[ \] become: PS1 decodes \[ before expanding variables).
__mfa_segment() {
  local __mfa_t __mfa_f=${MFA_PROMPT_FORMAT:-'aws:%p %t'} __mfa_out='' __mfa_color=''
  if ((__mfa_left <= 0)); then
    __mfa_t=expired
  elif ((__mfa_left < 60)); then
    __mfa_t='<1m'
  elif ((__mfa_left < 3600)); then
    __mfa_t=$((__mfa_left / 60))m
  else
    \builtin printf -v __mfa_t '%dh%02dm' $((__mfa_left / 3600)) $((__mfa_left / 60 % 60))
  fi
  # %p, %t and %% from left to right; what is put in is never scanned again.
  while [[ ${__mfa_f} == *%* ]]; do
    __mfa_out+=${__mfa_f%%\%*}
    __mfa_f=${__mfa_f#*\%}
    case ${__mfa_f} in
      p*) __mfa_out+=${MFA_PROFILE-} __mfa_f=${__mfa_f:1} ;;
      t*) __mfa_out+=${__mfa_t} __mfa_f=${__mfa_f:1} ;;
      %*) __mfa_out+=% __mfa_f=${__mfa_f:1} ;;
      *) __mfa_out+=% ;;
    esac
  done
  __mfa_out+=${__mfa_f}
  __mfa_seg=${__mfa_out}
  if [[ -z ${__mfa_out} || ${MFA_PROMPT_COLOR-} == 0 || -n ${NO_COLOR-} ]]; then
    return 0
  fi
  if ((__mfa_left <= 0)); then
    __mfa_color=$'\e[31m'
  elif ((__mfa_left < 600)); then
    __mfa_color=$'\e[33m'
  else
    return 0
  fi
  if [[ $1 == ps1 ]]; then
    __mfa_seg=$'\001'${__mfa_color}$'\002'${__mfa_out}$'\001\e[0m\002'
  else
    __mfa_seg=${__mfa_color}${__mfa_out}$'\e[0m'
  fi
}

# The segment on stdout (no newline), nothing without a session; returns the status it found.
function mfa_prompt {
  local __mfa_status=$? __mfa_left __mfa_seg=
  if __mfa_time_left; then
    __mfa_segment plain
    \builtin printf '%s' "${__mfa_seg}"
  fi
  return "${__mfa_status}"
}

# With MFA_WARN=1: one line on stderr per session (per MFA_EXPIRY) under 10 minutes left.
__mfa_warn() {
  if ((__mfa_left >= 600)) || [[ ${__mfa_warned-} == "${MFA_EXPIRY-}" ]]; then
    return 0
  fi
  __mfa_warned=${MFA_EXPIRY-}
  local __mfa_when='has expired'
  if ((__mfa_left >= 60)); then
    __mfa_when="expires in $((__mfa_left / 60)) minutes"
  elif ((__mfa_left > 0)); then
    __mfa_when='expires in less than a minute'
  fi
  \builtin printf 'mfa: the AWS session of profile %s %s; renew it with: mfa use %q\n' \
    "${MFA_PROFILE-}" "${__mfa_when}" "${MFA_PROFILE-}" >&2
}

# Before each prompt: refresh MFA_PROMPT_SEGMENT, warn if asked; keeps $? for what follows.
__mfa_hook() {
  local __mfa_status=$? __mfa_left __mfa_seg=
  if __mfa_time_left; then
    __mfa_segment ps1
    MFA_PROMPT_SEGMENT="${__mfa_seg} "
    if [[ ${MFA_WARN-} == 1 ]]; then
      __mfa_warn
    fi
  else
    MFA_PROMPT_SEGMENT=
  fi
  return "${__mfa_status}"
}

function mfa {
  local __mfa_out
  case ${1-} in
    use)
      shift
      if [[ $# -gt 0 && $1 != -* ]]; then
        set -- --profile "$@"
      fi
      __mfa_out=$(\command "${__mfa_bin}" env --shell bash "$@") || return
      \builtin eval "${__mfa_out}"
      ;;
    clear)
      shift
      __mfa_out=$(\command "${__mfa_bin}" env --shell bash --unset "$@") || return
      \builtin eval "${__mfa_out}"
      ;;
    *)
      \command "${__mfa_bin}" "$@"
      ;;
  esac
}

MFA_PROMPT_SEGMENT=${MFA_PROMPT_SEGMENT-}

# Run __mfa_hook first before each prompt (it passes $? on), once however often this is loaded;
# PROMPT_COMMAND may be a string or, in bash 5.1 and later, an array.
if [[ ${PROMPT_COMMAND[*]-} != *__mfa_hook* ]]; then
  if ((BASH_VERSINFO[0] > 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] >= 1))) &&
    [[ -n ${PROMPT_COMMAND+set} && ${PROMPT_COMMAND@a} == *a* ]]; then
    PROMPT_COMMAND=(__mfa_hook "${PROMPT_COMMAND[@]}")
  else
    # Here PROMPT_COMMAND is a string (or bash runs only its first element), so no array is lost.
    # shellcheck disable=SC2128,SC2178
    PROMPT_COMMAND="__mfa_hook${PROMPT_COMMAND:+;${PROMPT_COMMAND}}"
  fi
fi
