// The shared peer's mesh built directly as Envoy resources (no compiler): used by
// serve-memory.ts to measure the xDS server's fan-out alone, with the same resources,
// names and change pattern as go-control-plane's peer (bench/xds-peer internal/peer/mesh.go
// describes the shape; this is our own construction of it).
import { messageType } from '../../src/envoy/proto-root.ts';
import { lenField, stringField } from '../../src/serve/wire.ts';
import type { EncodedResource, Snapshot } from '../../src/snapshot/types.ts';
import { edsCluster, httpListener, loadAssignment, route } from '../../test/e2e/support/envoy-resources.ts';
import { encodeResource, handSnapshot, rawResource } from '../../test/e2e/support/hand-snapshot.ts';
import { apiWeight, fqdn, type MeshState } from './gen-mesh.ts';

const SUBSETS = ['', 'v1', 'v2', 'v3'] as const;
const clusterName = (i: number, subset: string): string => `outbound|9080|${subset}|${fqdn(i)}`;

/**
 * Caches the encoded resources of the previous build: a route change re-encodes only the
 * one virtual host that changed and re-stitches the route table from the encoded virtual
 * hosts (RouteConfiguration = name + repeated virtual_hosts, so concatenation is a valid
 * encoding), as a compiler with content-addressed output would.
 */
export class PeerMesh {
  #key = '';
  #cds: EncodedResource[] = [];
  #eds: EncodedResource[] = [];
  #lds: EncodedResource[] = [];
  /** Per service: the /api weight its encoded virtual host was built with, and the bytes. */
  #vhosts = new Map<number, { w1: number; bytes: Uint8Array }>();

  snapshot(state: MeshState): Snapshot {
    const key = String(state.full);
    if (key !== this.#key) {
      this.#key = key;
      this.#cds = [];
      this.#eds = [];
      for (let i = 0; i < state.services; i++) {
        for (const s of SUBSETS) {
          const name = clusterName(i, s);
          this.#cds.push(encodeResource('cds', edsCluster(name, { connectTimeoutMs: 1000 + state.full, leastRequest: state.full % 2 === 1 }), { verify: false }));
          const eps = [1, 2, 3].map((ip) => ({ address: `127.0.0.${ip}`, port: 9080, weight: 1 + state.full }));
          this.#eds.push(encodeResource('eds', loadAssignment(name, eps), { verify: false }));
        }
      }
      this.#lds = [encodeResource('lds', httpListener('0.0.0.0_9080', '0.0.0.0', 9080, '9080', 300 + state.full))];
    }
    const vhostType = messageType('envoy.config.route.v3.VirtualHost');
    const parts: Buffer[] = [stringField(1, '9080')];
    for (let i = 0; i < state.services; i++) {
      const w1 = apiWeight(state, i);
      let cached = this.#vhosts.get(i);
      if (!cached || cached.w1 !== w1) {
        const v1 = clusterName(i, 'v1');
        const v2 = clusterName(i, 'v2');
        const vhost = {
          name: `${fqdn(i)}:9080`,
          domains: [`svc-${i}`, fqdn(i), `${fqdn(i)}:9080`],
          routes: [
            route({ name: 'end-user-jason', prefix: '/', header: { name: 'end-user', exact: 'jason' }, action: { cluster: v2 } }),
            route({ name: 'api', prefix: '/api', action: { weighted: [{ cluster: v1, weight: w1 }, { cluster: v2, weight: 100 - w1 }] } }),
            route({ name: 'default', prefix: '/', action: { cluster: v1 } }),
          ],
        };
        cached = { w1, bytes: vhostType.encode(vhostType.fromObject(vhost)).finish() };
        this.#vhosts.set(i, cached);
      }
      parts.push(lenField(2, cached.bytes));
    }
    const rds = [rawResource('rds', '9080', Buffer.concat(parts))];
    return handSnapshot({ cds: this.#cds, eds: this.#eds, lds: this.#lds, rds });
  }
}
