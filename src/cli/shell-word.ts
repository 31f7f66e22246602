// Arguments written back as a command line the user can paste: diff's "whole diff" command,
// and the corrected order of a command line given with its flags first.

/**
 * `word` as a POSIX shell reads it back: as it is when it holds only plain characters, else
 * single-quoted. A leading `~` is quoted too (the shell would expand it to a home folder).
 */
export function shellQuote(word: string): string {
  return /^[\w./@+-][\w./~@+-]*$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * A path or revision as an argument: shellQuote, and a leading `-` (which quotes do not stop
 * from being read as a flag) written `./-name`. Commit ids never start with either; a revision
 * name cannot start with `-` in git.
 */
export function shellWord(word: string): string {
  return shellQuote(word.startsWith('-') ? `./${word}` : word);
}
