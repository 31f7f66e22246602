// Small lists the IR keeps, at their exact size. V8 gives an array built with push() room for
// 17 elements on its first push (filter() and spreads do the same), so a two-element list
// costs ~150 bytes instead of ~40. The IR of a large mesh holds a hundred thousand such lists
// (routes, destinations, endpoints, domains), and every garbage collection during the compile
// copies them: a list built by push is handed on as an exact copy (slice() allocates exactly),
// and the roomy one dies young, which costs the collector nothing.
export function exact<T>(list: T[]): T[] {
  return list.length === 0 ? list : list.slice(); // an empty literal has no room to spare
}
