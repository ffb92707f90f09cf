/** Text for a POSIX shell command line that we print for a person to copy: one word, whatever it holds. */
export function shellWord(text: string): string {
  // A word of only these characters means the same to every POSIX shell, quoted or not.
  if (/^[\w%+,./:=@-]+$/.test(text)) return text
  return `'${text.replaceAll("'", String.raw`'\''`)}'`
}
