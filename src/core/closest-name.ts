// "Did you mean …?": the known name closest to what was written, when it is close enough to be
// a typo (same letters in another case, or a few edits apart). For misspelt fields and kinds
// in config (src/compile/parse) and for commands and flags on the command line (src/cli).

/** The candidate closest to `written`, or undefined when none is plausibly what was meant. */
export function closestName(written: string, candidates: Iterable<string>): string | undefined {
  const lower = written.toLowerCase();
  // A typo is at most a third of the word (at least one edit; `hots` → `host`).
  const limit = Math.max(1, Math.floor(written.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === written) continue;
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase(), limit);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * Optimal string alignment distance: inserts, deletes, substitutions, and a swap of two
 * neighbouring characters as one edit, since swapped letters are the commonest typo
 * (`--verison`, `--xsd`). Any answer over `limit` is only known to be over it.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      row.push(v);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}
