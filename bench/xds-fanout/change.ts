// Trigger for the benchmark: changes the mesh folder that `meshlog serve --config DIR`
// watches, the same two ways the shared peer's POST /change does.
//   full  — every cluster, endpoint set, listener and route changes (all files rewritten)
//   route — the /api weights of ONE service change (one file rewritten; only RDS differs)
// Usage: node bench/xds-fanout/change.ts DIR full|route
// Exits once the files are renamed into place; the server's recompile is part of what the
// harness measures (the clock starts when this command starts).
import { meshConfigYaml, readState, serviceYaml, writeAtomic, writeState } from './gen-mesh.ts';

export type ChangeKind = 'full' | 'route';

export function applyChange(dir: string, kind: ChangeKind): void {
  const state = readState(dir);
  if (kind === 'full') {
    state.full++;
    state.shift = state.shift.map((s) => s + 1);
    writeState(dir, state);
    // meshlog.yaml last: whichever file the watcher sees first, the debounce gathers the rest.
    for (let i = 0; i < state.services; i++) writeAtomic(dir, `svc-${i}.yaml`, serviceYaml(state, i));
    writeAtomic(dir, 'meshlog.yaml', meshConfigYaml(state));
    return;
  }
  const i = state.routes % state.services;
  state.shift[i] = (state.shift[i] ?? 0) + 1;
  state.routes++;
  writeState(dir, state);
  writeAtomic(dir, `svc-${i}.yaml`, serviceYaml(state, i));
}

if (import.meta.main) {
  const [dir, kind] = process.argv.slice(2);
  if (!dir || (kind !== 'full' && kind !== 'route')) {
    console.error('usage: node bench/xds-fanout/change.ts DIR full|route');
    process.exit(2);
  }
  applyChange(dir, kind);
}
