// Warming the load worker while it waits for its first job: V8 compiles the parser and the
// rules to fast code only after they have run a while, so a cold thread reads its first
// thousand or so files several times slower than later ones. The worker is started while
// the repository is still being read (src/ingest/collector.ts); loading this sample in that
// idle time means the real files meet compiled code. The sample is written the way mesh
// config is (block and flow style, the common kinds and fields), so what V8 learns from it
// holds for real files.
import { loadFile } from './load-file.ts';

/** Valid, and inside the fast parser's subset (a test holds it to that): it warms the paths real files take. */
export const WARM_UP_SAMPLE = `# a service as a team would write it
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
  labels: {app: reviews}
spec:
  selector: {app: reviews}
  ports:
  - {name: http, port: 9080, targetPort: 9080}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews-vms, namespace: bookinfo}
spec:
  hosts: [reviews-vms.bookinfo.svc.cluster.local]
  location: MESH_INTERNAL
  ports: [{number: 9080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints:
  - {address: 10.0.0.1, labels: {app: reviews, version: v1}}
  - {address: 10.0.0.2, labels: {app: reviews, version: v2}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}, http: {http1MaxPendingRequests: 64}}
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
      baseEjectionTime: 30s
  subsets:
  - name: v1
    labels: {version: v1}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  http:
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - match:
    - uri: {prefix: /api}
      method: {exact: GET}
    route:
    - {destination: {host: reviews, subset: v1}, weight: 90}
    - destination: {host: reviews, subset: v2}
      weight: 10
    timeout: 5s
    retries: {attempts: 3, perTryTimeout: 2s}
  - route: [{destination: {host: reviews, subset: v1}}]
`;

/** Loads the sample `rounds` times (about 0.1 ms each once compiled). */
export function warmUp(rounds: number): void {
  const file = { path: 'warm-up.yaml', bytes: new TextEncoder().encode(WARM_UP_SAMPLE) };
  for (let i = 0; i < rounds; i++) loadFile(file, { budget: 100, assumedNamespace: 'default', keepDocs: true });
}
