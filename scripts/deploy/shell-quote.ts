// Characters a POSIX shell never treats specially in a word.
const SAFE_WORD = /^[\w@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell, leaving plain words as they are. */
export function quoteShellArg(arg: string): string {
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** One shell line that runs `command` with `args`, each argument quoted as needed. */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteShellArg).join(' ');
}
