import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { MeshIR } from '../../../src/compile/ir/types.ts';
import { buildCluster } from '../../../src/compile/xds/cluster.ts';
import { clusterEncoder, encodeLoadAssignment, routeTableEncoder } from '../../../src/compile/xds/fast-encode.ts';
import { buildLoadAssignment } from '../../../src/compile/xds/endpoint.ts';
import { buildRouteConfiguration } from '../../../src/compile/xds/route.ts';
import { encodeResource } from '../../../src/snapshot/encode.ts';

const GOLDEN = path.resolve(import.meta.dirname, '../../golden/snapshot');

// The shortcuts must give the very bytes a plain protobufjs encode of the full object gives:
// otherwise hashes would depend on which code path encoded a resource.
describe('fast encoders', () => {
  const scenarios = fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.in.yaml'));
  for (const file of scenarios) {
    it(`equal the plain encoding for every cluster, load assignment and route table of ${file}`, () => {
      const ir = YAML.parse(fs.readFileSync(path.join(GOLDEN, file), 'utf8')) as MeshIR;
      const clusters = new Map(ir.clusters.map((c) => [c.name, c]));
      const encodeCluster = clusterEncoder();
      for (const c of [...ir.clusters, ...ir.clusters]) {
        const plain = encodeResource('cds', c.name, buildCluster(c)).bytes;
        expect(Buffer.from(encodeCluster(c)).equals(Buffer.from(plain)), c.name).toBe(true);
      }
      for (const set of [...ir.endpoints, { clusterName: 'none', endpoints: [] }]) {
        const plain = encodeResource('eds', set.clusterName, buildLoadAssignment(set)).bytes;
        expect(Buffer.from(encodeLoadAssignment(set)).equals(Buffer.from(plain)), set.clusterName).toBe(true);
      }
      const encodeTable = routeTableEncoder(clusters);
      for (const view of ir.views) {
        for (const t of view.routeTables) {
          const plain = encodeResource('rds', t.name, buildRouteConfiguration(t, clusters)).bytes;
          expect(Buffer.from(encodeTable(t)).equals(Buffer.from(plain)), `${view.name} ${t.name}`).toBe(true);
        }
      }
    });
  }
});
