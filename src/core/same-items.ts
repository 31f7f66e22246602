// Shallow list equality: the same length and the same items (===) in the same order. Lists the
// compiler shares by reference (cluster names, virtual hosts, SNI names) are compared this way
// before anything deeper is tried.
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
