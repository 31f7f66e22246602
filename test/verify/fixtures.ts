// Config folders for the Envoy-check tests: one small service whose route regex is chosen
// per test. The "huge" regex is within meshlog's own limits (about 8,000 units of counted
// repetition, under ML3014's 10,000), but each copy of its 7-range class is several RE2
// instructions, so the program is far above the program-size limit the generated bootstraps
// give Envoy (32 768): Envoy rejects it, and only the --envoy proof can tell.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const HUGE_REGEX = `^/${'[a-zA-Z0-9_.~%-]{999}/'.repeat(8)}$`;
export const SMALL_REGEX = '^/api/v[0-9]+/users/[a-zA-Z0-9]{1,64}$';

/** The VirtualService file; the regex is on line 13 (the rule `spec.http[0]` starts there). */
export function webConfig(regex: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web}
spec:
  hosts: [web]
  http:
    - match: [{uri: {regex: "${regex}"}}]
      route: [{destination: {host: web}}]
`;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A folder holding routes.yaml with the given regex. */
export function webFolder(regex: string): string {
  const dir = tempDir('meshlog-verify-cfg-');
  fs.writeFileSync(path.join(dir, 'routes.yaml'), webConfig(regex));
  return dir;
}

/** An executable shell script standing in for a broken Envoy (hangs, crashes, ...). */
export function fakeEnvoy(dir: string, body: string): string {
  const file = path.join(dir, 'envoy');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}
