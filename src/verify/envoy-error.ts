// Turns what `envoy --mode validate` printed into the one message a user needs. Envoy is run
// with `--log-format %v` (bare messages), so the interesting line reads
// "error initializing configuration '<file>': <reason>"; the reason may span lines (proto
// dumps). The temp file's path means nothing to the user and is cut.

/** Longest message kept; Envoy quotes whole regexes and protos, which can be huge. */
const MAX_MESSAGE = 600;

export function envoyErrorMessage(output: string, file: string): string {
  const marker = /error initializing configuration '[^']*':\s*/.exec(output);
  let text = marker ? output.slice(marker.index + marker[0].length) : lastLines(output, 5);
  text = text.split(file).join('<bootstrap>');
  text = text.replace(/\s+/g, ' ').trim();
  if (text === '') return 'no error text (exit status only)';
  return shorten(text);
}

/** Quoted names in Envoy's text ('x' or "x"), to look up in the bootstrap. Full length. */
export function quotedTokens(output: string): string[] {
  const marker = /error initializing configuration '[^']*':/.exec(output);
  const text = marker ? output.slice(marker.index + marker[0].length) : output;
  const out: string[] = [];
  for (const m of text.matchAll(/'([^'\n]+)'|"([^"\n]+)"/g)) {
    const token = m[1] ?? m[2];
    if (token && !out.includes(token)) out.push(token);
  }
  return out;
}

function lastLines(output: string, n: number): string {
  return output.split('\n').filter((l) => l.trim() !== '').slice(-n).join('\n');
}

/** Cuts long quoted values first (a 40 000-character regex), then the whole text. */
function shorten(text: string): string {
  const quoted = text.replace(/'([^']{120,})'/g, (_m, q: string) => `'${q.slice(0, 100)}… (${q.length} characters)'`);
  return quoted.length <= MAX_MESSAGE ? quoted : `${quoted.slice(0, MAX_MESSAGE)}…`;
}
