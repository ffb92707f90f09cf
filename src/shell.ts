/** Text for a POSIX shell command line that we print for a person to copy: one word, whatever it holds. */
export function shellWord(text: string): string {
  // A word of only these characters means the same to every POSIX shell, quoted or not.
  if (/^[\w%+,./:=@-]+$/.test(text)) return text
  // A home-relative path as this tool shows it: the shell expands the tilde only where it is left unquoted.
  if (text.startsWith('~/') && text.length > 2) return `~/${shellWord(text.slice(2))}`
  return `'${text.replaceAll("'", String.raw`'\''`)}'`
}
