// execa, bundled on its own (scripts/bundle.js): only `mfa exec` and mfa_process load it.
export {execa} from 'execa'
