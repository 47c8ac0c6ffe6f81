# mfa shell integration for zsh.
#
# Install: add this line to ~/.zshrc
#
#     eval "$(mfa init zsh)"
#
# What it defines:
#   mfa use [PROFILE] [ARGS...]   put a session into THIS shell
#                                 (evaluates: mfa env --shell zsh [--profile PROFILE] [ARGS...])
#   mfa clear [ARGS...]           take it out again (evaluates: mfa env --shell zsh --unset [ARGS...])
#   mfa ARGS...                   anything else goes to the mfa program as it is
#   mfa_prompt                    prints the segment, e.g. "aws:default 42m", or nothing without a session
#   MFA_PROMPT_SEGMENT            set before each prompt (precmd), with a trailing space, escaped
#                                 for prompt expansion (% doubled, colours inside %{ %}):
#                                     setopt prompt_subst
#                                     PROMPT='${MFA_PROMPT_SEGMENT}%# '
#                                 (computed from MFA_EXPIRY and $EPOCHSECONDS: no process is started)
# Settings (shell or environment variables):
#   MFA_PROMPT_FORMAT   'aws:%p %t' by default: %p profile, %t time left, %% a percent sign
#   MFA_PROMPT_COLOR=0  no colour (nor when NO_COLOR is set); else yellow under 10 minutes, red when expired
#   MFA_WARN=1          warn on stderr, once per session, when it has less than 10 minutes left

typeset -g __mfa_bin=__MFA_BIN__
# Tells `mfa doctor` (a child process) that the integration is loaded.
export MFA_SHELL=zsh
typeset -g MFA_PROMPT_SEGMENT="${MFA_PROMPT_SEGMENT-}"

# $EPOCHSECONDS, the clock without a process.
\builtin zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null || :

# Sets the caller's __mfa_left to the seconds the session in MFA_EXPIRY has left; fails when there
# is none. MFA_EXPIRY must be digits: arithmetic on any other text could run code, and at most 15
# of them, checked before any arithmetic (20 would overflow it). More than 36h15m left (130500 s:
# GetSessionToken's longest session and a clock 15 minutes behind) is no session either.
function __mfa_time_left {
  \builtin emulate -L zsh
  local __mfa_expiry=${MFA_EXPIRY-} __mfa_now=${EPOCHSECONDS-}
  if [[ -z $__mfa_expiry || $__mfa_expiry == *[^0-9]* || ${#__mfa_expiry} -gt 15 ]]; then
    return 1
  fi
  if [[ -z $__mfa_now ]]; then
    __mfa_now=$(\command date +%s)
  fi
  if [[ -z $__mfa_now || $__mfa_now == *[^0-9]* ]]; then
    return 1
  fi
  __mfa_left=$(( 10#$__mfa_expiry - 10#$__mfa_now ))
  (( __mfa_left <= 130500 ))
}

# Sets the caller's __mfa_seg to the segment for __mfa_left seconds. $1: "plain", or "prompt" for
# prompt expansion: % doubled (and ! when PROMPT_BANG is on: $2), colour escapes inside %{ %}.
function __mfa_segment {
  \builtin emulate -L zsh
  local __mfa_t __mfa_f=${MFA_PROMPT_FORMAT:-'aws:%p %t'} __mfa_out='' __mfa_color=''
  if (( __mfa_left <= 0 )); then
    __mfa_t=expired
  elif (( __mfa_left < 60 )); then
    __mfa_t='<1m'
  elif (( __mfa_left < 3600 )); then
    __mfa_t=$(( __mfa_left / 60 ))m
  else
    \builtin printf -v __mfa_t '%dh%02dm' $(( __mfa_left / 3600 )) $(( __mfa_left / 60 % 60 ))
  fi
  # %p, %t and %% from left to right; what is put in is never scanned again.
  while [[ $__mfa_f == *%* ]]; do
    __mfa_out+=${__mfa_f%%\%*}
    __mfa_f=${__mfa_f#*\%}
    case $__mfa_f in
      (p*) __mfa_out+=${MFA_PROFILE-} __mfa_f=${__mfa_f:1} ;;
      (t*) __mfa_out+=$__mfa_t __mfa_f=${__mfa_f:1} ;;
      (%*) __mfa_out+=% __mfa_f=${__mfa_f:1} ;;
      (*) __mfa_out+=% ;;
    esac
  done
  __mfa_out+=$__mfa_f
  __mfa_seg=$__mfa_out
  [[ -n $__mfa_out ]] || return 0
  if [[ $1 == prompt ]]; then
    __mfa_out=${__mfa_out//\%/%%}
    if [[ ${2-} == bang ]]; then
      __mfa_out=${__mfa_out//\!/!!}
    fi
    __mfa_seg=$__mfa_out
  fi
  [[ ${MFA_PROMPT_COLOR-} != 0 && -z ${NO_COLOR-} ]] || return 0
  if (( __mfa_left <= 0 )); then
    __mfa_color=$'\e[31m'
  elif (( __mfa_left < 600 )); then
    __mfa_color=$'\e[33m'
  else
    return 0
  fi
  if [[ $1 == prompt ]]; then
    __mfa_seg="%{$__mfa_color%}$__mfa_out%{"$'\e[0m'"%}"
  else
    __mfa_seg=$__mfa_color$__mfa_out$'\e[0m'
  fi
}

# The segment on stdout (no newline), nothing without a session; returns the status it found.
function mfa_prompt {
  local __mfa_status=$?
  \builtin emulate -L zsh
  local __mfa_left __mfa_seg=''
  if __mfa_time_left; then
    __mfa_segment plain
    \builtin printf '%s' "$__mfa_seg"
  fi
  return $__mfa_status
}

# With MFA_WARN=1: one line on stderr per session (per MFA_EXPIRY) under 10 minutes left.
function __mfa_warn {
  \builtin emulate -L zsh
  if (( __mfa_left >= 600 )) || [[ ${__mfa_warned-} == "${MFA_EXPIRY-}" ]]; then
    return 0
  fi
  typeset -g __mfa_warned=${MFA_EXPIRY-}
  local __mfa_when='has expired'
  if (( __mfa_left >= 60 )); then
    __mfa_when="expires in $(( __mfa_left / 60 )) minutes"
  elif (( __mfa_left > 0 )); then
    __mfa_when='expires in less than a minute'
  fi
  \builtin printf 'mfa: the AWS session of profile %s %s; renew it with: mfa use %s\n' \
    "${MFA_PROFILE-}" "$__mfa_when" "${(q-)${MFA_PROFILE-}}" >&2
}

# precmd: refresh MFA_PROMPT_SEGMENT, warn if asked; returns the status it found.
function __mfa_precmd {
  local __mfa_status=$? __mfa_bang=''
  if [[ -o prompt_bang ]]; then
    __mfa_bang=bang
  fi
  if [[ ! -o prompt_percent ]]; then
    # No prompt escapes at all: neither %% nor %{ %} would be understood; plain text, no colour.
    local MFA_PROMPT_COLOR=0
  fi
  \builtin emulate -L zsh
  local __mfa_left __mfa_seg=''
  if __mfa_time_left; then
    __mfa_segment prompt $__mfa_bang
    MFA_PROMPT_SEGMENT="$__mfa_seg "
    if [[ ${MFA_WARN-} == 1 ]]; then
      __mfa_warn
    fi
  else
    MFA_PROMPT_SEGMENT=''
  fi
  return $__mfa_status
}

function mfa {
  \builtin emulate -L zsh
  local __mfa_out
  case ${1-} in
    (use)
      shift
      if (( $# )) && [[ $1 != -* ]]; then
        set -- --profile "$@"
      fi
      __mfa_out=$(\command "$__mfa_bin" env --shell zsh "$@") || return
      \builtin eval "$__mfa_out"
      ;;
    (clear)
      shift
      __mfa_out=$(\command "$__mfa_bin" env --shell zsh --unset "$@") || return
      \builtin eval "$__mfa_out"
      ;;
    (*)
      \command "$__mfa_bin" "$@"
      ;;
  esac
}

# Run __mfa_precmd first (it passes $? on), once however often this is loaded, keeping the
# user's precmd functions.
() {
  \builtin emulate -L zsh
  typeset -ga precmd_functions
  if (( ! ${precmd_functions[(Ie)__mfa_precmd]} )); then
    precmd_functions=(__mfa_precmd "${precmd_functions[@]}")
  fi
}
