// Turns what `envoy --mode validate` printed into the one message a user needs. Envoy is run
// with `--log-format %v` (bare messages), so the interesting line reads
// "error initializing configuration '<file>': <reason>"; the reason may span lines (proto
// dumps). The temp file's path means nothing to the user and is cut.

/** Longest message kept; Envoy quotes whole regexes and protos, which can be huge. */
const MAX_MESSAGE = 600;

export function envoyErrorMessage(output: string, file: string): string {
  const marker = /error initializing configuration '[^']*':\s*/.exec(output);
  let text = marker ? output.slice(marker.index + marker[0].length) : lastLines(output, 5);
  const constraint = protoConstraint(text);
  if (constraint) return shorten(constraint);
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

/**
 * A proto constraint failure, said root cause first. Envoy prints the whole offending message
 * (often the route table: thousands of characters), then the reason as a chain of "caused by"
 * steps down to the field; the dump is dropped and the chain becomes a path:
 * "StringMatcherValidationError.Prefix: value length must be at least 1 characters (at
 * HttpConnectionManager.RouteConfig → … → HeaderMatcher.StringMatch)".
 */
function protoConstraint(text: string): string | undefined {
  const m = /Proto constraint validation failed \(([\s\S]*)\)\s*$/.exec(text);
  if (!m) return undefined;
  const steps = m[1]!.split(' | caused by ').map((s) => s.replace(/\s+/g, ' ').trim());
  const cause = steps.pop()!;
  const path = steps.map((s) => s.replace(/ValidationError\./, '.').replace(/: embedded message failed validation$/, ''));
  return `Proto constraint validation failed: ${cause}${path.length > 0 ? ` (at ${path.join(' → ')})` : ''}`;
}

function lastLines(output: string, n: number): string {
  return output.split('\n').filter((l) => l.trim() !== '').slice(-n).join('\n');
}

/** Cuts long quoted values first (a 40 000-character regex), then the whole text. */
function shorten(text: string): string {
  const quoted = text.replace(/'([^']{120,})'/g, (_m, q: string) => `'${q.slice(0, 100)}… (${q.length} characters)'`);
  return quoted.length <= MAX_MESSAGE ? quoted : `${quoted.slice(0, MAX_MESSAGE)}…`;
}
