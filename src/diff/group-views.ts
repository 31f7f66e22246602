// Views often change identically (the default sidecar view and a namespace's view route
// the same hosts), so the renderers print such views once, under all their names.
import type { ViewDiff } from './types.ts';
import { canonicalJson } from './value-diff.ts';

export interface ViewGroup {
  readonly names: readonly string[];
  readonly view: ViewDiff;
}

export function groupViews(views: readonly ViewDiff[]): ViewGroup[] {
  const groups = new Map<string, { names: string[]; view: ViewDiff }>();
  for (const v of views) {
    const key = canonicalJson({ change: v.change, was: v.previousName ?? null, sel: v.selector ?? null, la: v.listenersAdded, lr: v.listenersRemoved, lc: v.listenersChanged, hosts: v.hosts });
    const g = groups.get(key);
    if (g) g.names.push(v.name);
    else groups.set(key, { names: [v.name], view: v });
  }
  return [...groups.values()];
}

/** Views named in one heading: past this many, the rest are counted (a mesh of many namespaces). */
export const MAX_VIEW_NAMES = 20;

/** `a, b, c`, each name through `show`; past MAX_VIEW_NAMES, `… and N more`. */
export function viewNameList(names: readonly string[], show: (name: string) => string = (n) => n): string {
  const listed = names.slice(0, MAX_VIEW_NAMES).map(show).join(', ');
  return names.length > MAX_VIEW_NAMES ? `${listed} and ${names.length - MAX_VIEW_NAMES} more` : listed;
}
