/** `mfa doctor`'s shell line: whether the shell integration is loaded, else the line that loads it. */
import {MARKER_SHELL} from '../shells/variables.js'
import type {Finding} from './finding.js'

const INSTALL_LINE: Record<string, string> = {
  bash: 'add eval "$(mfa init bash)" to ~/.bashrc',
  zsh: 'add eval "$(mfa init zsh)" to ~/.zshrc',
  fish: 'add mfa init fish | source to ~/.config/fish/config.fish',
  powershell: 'add mfa init powershell | Out-String | Invoke-Expression to $PROFILE',
}

export function checkShell(env: NodeJS.ProcessEnv, shell: string | undefined): Finding {
  const loaded = env[MARKER_SHELL]
  if (loaded) return {check: 'shell', status: 'ok', message: `the ${loaded} integration is loaded (mfa use, mfa clear, mfa_prompt, completion)`}
  return {
    check: 'shell',
    status: 'warning',
    message: 'the shell integration is not loaded in this shell (mfa use, mfa clear, the prompt segment, completion)',
    fix: (shell && INSTALL_LINE[shell]) || 'see mfa init --help',
  }
}
