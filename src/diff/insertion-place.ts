// Where a route added to a virtual host now stands among the routes that were there before.
// Envoy tries a virtual host's routes in order and takes the first whose match fits, so a rule
// inserted before another takes that one's requests wherever their matches overlap: `alice-on-v3`
// inserted before the `canary` split decides alice's requests, inserted after a catch-all it
// decides nothing. A moved route says `moved from position 1 to 2`; an added one says its place
// the same way, with the route it was inserted before (or, added after all of them, after).
import type { IrRoute } from '../compile/ir/types.ts';
import type { RouteChange } from './types.ts';

/** The kept route an added one comes just before, or (added after all of them) after. */
export type Neighbour = Pick<RouteChange, 'insertedBefore' | 'insertedAfter'>;

/** An added route's place: the summary line (its 1-based position of how many, and its neighbour), and the neighbour. */
export interface InsertionPlace {
  readonly line: string;
  readonly neighbour: Neighbour;
}

/**
 * The place of each added route (an index of `after` that `pairOfAfter` does not pair), by its
 * index; undefined when no route of `after` was there before (a new host, or every route
 * replaced), where the list order says all there is.
 */
export function insertionPlaces(after: readonly IrRoute[], pairOfAfter: ReadonlyMap<number, number>): ((ai: number) => InsertionPlace) | undefined {
  if (pairOfAfter.size === 0) return undefined;
  // The nearest kept route after each index (-1: none), found in one pass from the end.
  const nextKept = new Array<number>(after.length);
  let next = -1;
  for (let i = after.length - 1; i >= 0; i--) {
    nextKept[i] = next;
    if (pairOfAfter.has(i)) next = i;
  }
  let lastKept = -1;
  for (const ai of pairOfAfter.keys()) lastKept = Math.max(lastKept, ai);
  return (ai) => {
    const at = `added at position ${ai + 1} of ${after.length}`;
    const following = nextKept[ai]!;
    if (following >= 0) {
      const name = after[following]!.name;
      return { line: `${at}, before ${name}`, neighbour: { insertedBefore: name } };
    }
    // After every kept route: the last of them is what it follows.
    const name = after[lastKept]!.name;
    return { line: `${at}, after ${name}`, neighbour: { insertedAfter: name } };
  };
}
