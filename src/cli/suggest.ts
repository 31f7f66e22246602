// "Did you mean ...?" for mistyped commands and flags: the closest candidate by edit
// distance, when it is close enough to be a plausible typo.

export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(input, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // Allow about one typo per three characters, at least one: "valdate" → validate, "xyz" → nothing.
  return bestDistance <= Math.max(1, Math.floor(input.length / 3)) ? best : undefined;
}

/**
 * Edit distance counting a swap of two adjacent characters as one edit (optimal string
 * alignment), since swapped letters are the commonest typo: "--verison", "--xsd".
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = []; // the row two above: only read once i >= 2
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}
