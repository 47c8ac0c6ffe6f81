# mfa completion for zsh: profile names from ~/.aws/config and ~/.aws/credentials after --profile,
# -p, --profile= and `mfa use`, on top of the commands and flags that oclif's autocomplete plugin
# completes (its _mfa, which `mfa autocomplete zsh` or `mfa autocomplete --refresh-cache` builds).
#
# `eval "$(mfa init zsh)"` loads it after the integration script; completion needs compinit
# (`autoload -Uz compinit && compinit`), before or after the init line. The plugin's own line in
# ~/.zshrc is not needed: its function directory is added to fpath here.

# The plugin's function directory, in oclif's cache: $MFA_CACHE_DIR, else ~/Library/Caches/mfa
# on macOS, else ${XDG_CACHE_HOME:-~/.cache}/mfa.
() {
  \builtin emulate -L zsh
  local dir
  if [[ -n ${MFA_CACHE_DIR-} ]]; then
    dir=$MFA_CACHE_DIR
  elif [[ $OSTYPE == darwin* ]]; then
    dir=${HOME-}/Library/Caches/mfa
  else
    dir=${XDG_CACHE_HOME:-${HOME-}/.cache}/mfa
  fi
  dir=$dir/autocomplete/functions/zsh
  if [[ -d $dir ]] && (( ! ${fpath[(Ie)$dir]} )); then
    fpath=($dir $fpath)
  fi
}

# Runs under the completion system's own options (no emulate: the plugin's _mfa expects them).
function __mfa_complete {
  local -a __mfa_names expl
  local __mfa_dashes=${words[(i)--]}
  # After `--` the words are the command that `mfa exec` runs: complete that command.
  if (( __mfa_dashes < CURRENT )); then
    shift $__mfa_dashes words
    (( CURRENT -= __mfa_dashes ))
    _normal
    return
  fi
  if [[ ${words[CURRENT-1]} == (--profile|-p) ]] || [[ $CURRENT -eq 3 && ${words[2]} == use && $PREFIX != -* ]] || compset -P '--profile='; then
    __mfa_names=(${(f)"$(\command ${__mfa_bin:-mfa} __complete-profiles 2>/dev/null)"})
    _wanted profiles expl 'AWS profile' compadd -a __mfa_names
    return
  fi
  if (( $+functions[_mfa] )) || \builtin autoload -Uz +X _mfa 2>/dev/null; then
    _mfa "$@"
  fi
}

# Registers the completion when compinit has run; once now, and once before the first prompt, after
# the rest of ~/.zshrc (compinit, which binds mfa to the plugin's _mfa when it finds it in fpath).
function __mfa_complete_register {
  if (( $+functions[compdef] )); then
    compdef __mfa_complete mfa
  fi
  if [[ ${1-} != now ]]; then
    add-zsh-hook -d precmd __mfa_complete_register
  fi
}
__mfa_complete_register now
\builtin autoload -Uz add-zsh-hook
add-zsh-hook precmd __mfa_complete_register
