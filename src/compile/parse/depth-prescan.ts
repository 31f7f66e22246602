// A linear pre-scan of the raw text for nesting depth, run before the YAML parser sees the
// file: the parser's cost grows much faster than linearly with nesting (a 2 MB file of
// `[[[[…` took ~30 s and 4 MB exhausted a 4 GB heap), so depth must be bounded first.
//
// It is a conservative lexical approximation, not a YAML parser: it counts flow brackets
// outside quotes and comments, and block levels from indentation and leading `- ` / `? `
// indicators, skipping block scalars. Its limit (LIMITS.maxPrescanDepth) is set well above the
// exact limit checked on the token tree afterwards, so real config never trips it.

/** Offset where nesting first exceeds `max`, or -1. */
export function prescanDepth(text: string, max: number): number {
  let flow = 0;
  const indents: number[] = [];
  let i = 0;
  const n = text.length;
  let blockScalarIndent = -1; // inside a block scalar: lines indented more than this are content
  while (i < n) {
    // ---- start of a line
    let col = 0;
    while (i + col < n && text.charCodeAt(i + col) === 32) col++;
    const lineStart = i;
    i += col;
    const c0 = text[i];
    if (c0 === '\n' || c0 === '\r' || c0 === undefined) {
      i++;
      continue;
    }
    if (blockScalarIndent >= 0) {
      if (col > blockScalarIndent) {
        i = skipLine(text, i);
        continue;
      }
      blockScalarIndent = -1;
    }
    if (col === 0 && (text.startsWith('---', i) || text.startsWith('...', i))) {
      indents.length = 0;
      flow = 0;
    }
    if (flow === 0 && c0 !== '#') {
      while (indents.length > 0 && indents[indents.length - 1]! >= col) indents.pop();
      indents.push(col);
      // `- - - x` and `? ? x` open one level per indicator on the same line.
      let j = i;
      while ((text[j] === '-' || text[j] === '?') && (text[j + 1] === ' ' || text[j + 1] === '\n')) {
        j += 2;
        while (text[j] === ' ') j++;
        indents.push(j - lineStart);
        if (indents.length > max) return j;
      }
      if (indents.length > max) return i;
    }
    // ---- rest of the line: flow brackets, quotes, comments
    let prev = ''; // previous significant character on this line
    let spaced = false; // whitespace seen since `prev`
    let lastSignificant = '';
    while (i < n) {
      const ch = text[i]!;
      if (ch === '\n') break;
      if (ch === ' ' || ch === '\t') {
        spaced = true;
        i++;
        continue;
      }
      if (ch === '#' && (prev === '' || spaced)) {
        i = skipLine(text, i);
        break;
      }
      // Where a new node may start: line start, after `[ { ,` inside flow, after `: - ? ` + space.
      const nodeStart = prev === '' || (flow > 0 && '[{,'.includes(prev)) || (spaced && ':-?,'.includes(prev));
      if ((ch === '"' || ch === "'") && nodeStart) {
        i = skipQuoted(text, i);
        prev = lastSignificant = ch;
        spaced = false;
        continue;
      }
      if ((ch === '[' || ch === '{') && (flow > 0 || nodeStart)) {
        flow++;
        if (flow + indents.length > max) return i;
      } else if ((ch === ']' || ch === '}') && flow > 0) {
        flow--;
      }
      prev = lastSignificant = ch;
      spaced = false;
      i++;
    }
    if (flow === 0 && (lastSignificant === '|' || lastSignificant === '>' || /[|>][-+0-9]{1,3}$/.test(text.slice(Math.max(lineStart, i - 4), i).trimEnd()))) {
      blockScalarIndent = col;
    }
    i++;
  }
  return -1;
}

function skipLine(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

/** Index just past the closing quote (or the end of the text). Quoted scalars may span lines. */
function skipQuoted(text: string, i: number): number {
  const q = text[i];
  let j = i + 1;
  while (j < text.length) {
    const ch = text[j];
    if (q === '"' && ch === '\\') j += 2;
    else if (ch === q) {
      if (q === "'" && text[j + 1] === "'") j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}
