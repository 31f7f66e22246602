// IR → Envoy v3 resources → Snapshot. Imports only IR types (never the Istio schemas).
//   assembleSnapshot(ir, commit): every resource encoded once, content-addressed, with
//     per-view entries and hashes (see src/snapshot/hash.ts for the canonical encodings).
//   checkConsistency(snapshot): problems as sentences; [] when every listener's route
//     table and every EDS cluster's endpoints are in the same view.
export { assembleSnapshot } from './assemble.ts';
export { checkConsistency } from './check-consistency.ts';
