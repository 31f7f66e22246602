// What the loader hands to the rest of the compiler: typed, schema- and rule-checked
// resources, each able to point back at its source lines.
import type { Diagnostic } from '../../core/diagnostics.ts';
import type {
  DestinationRuleSpec,
  GatewaySpec,
  KubeServiceSpec,
  MeshConfigSpec,
  ServiceEntrySpec,
  VirtualServiceSpec,
} from '../schema/index.ts';

/** A field path inside one document, e.g. `['spec', 'http', 0, 'route', 1]`. */
export type FieldPath = readonly (string | number)[];

export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

export interface LoadedMetadata {
  readonly name: string;
  /** `metadata.namespace`, or MeshConfig's `defaultNamespace` (default `default`). */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface Loaded<K extends string, S> {
  readonly kind: K;
  readonly apiVersion: string;
  readonly metadata: LoadedMetadata;
  /** zod-validated and checked by the per-resource rules. */
  readonly spec: S;
  readonly file: string;
  /** 0-based index of the document inside its file. */
  readonly docIndex: number;
  /** 1-based line/column of a field path; falls back to the nearest existing ancestor. */
  locate(path: FieldPath): LineColumn;
  /**
   * The whole file's text (shared, not copied), for a diagnostic that points inside a value,
   * such as one line of a multi-line annotation. Absent for resources built in code.
   */
  readonly text?: string;
}

export type LoadedMeshConfig = Loaded<'MeshConfig', MeshConfigSpec>;
export type LoadedVirtualService = Loaded<'VirtualService', VirtualServiceSpec>;
export type LoadedDestinationRule = Loaded<'DestinationRule', DestinationRuleSpec>;
export type LoadedServiceEntry = Loaded<'ServiceEntry', ServiceEntrySpec>;
export type LoadedGateway = Loaded<'Gateway', GatewaySpec>;
export type LoadedService = Loaded<'Service', KubeServiceSpec>;

export type AnyLoaded =
  | LoadedMeshConfig
  | LoadedVirtualService
  | LoadedDestinationRule
  | LoadedServiceEntry
  | LoadedGateway
  | LoadedService;

/**
 * A resource left out because its schema or per-resource rules found an error (or it was
 * defined twice): enough to tell a reference to it from a reference to nothing.
 */
export interface DroppedResource {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  /** Line of metadata.name. */
  readonly line: number;
  /** Hosts as written: a Service's name, a ServiceEntry's hosts, a DestinationRule's host. */
  readonly hosts: readonly string[];
}

/** Every list sorted by (namespace, name, file, docIndex). */
export interface LoadedResources {
  meshConfig?: LoadedMeshConfig;
  virtualServices: LoadedVirtualService[];
  destinationRules: LoadedDestinationRule[];
  serviceEntries: LoadedServiceEntry[];
  gateways: LoadedGateway[];
  /** Kubernetes core/v1 Services: service-registry input. */
  services: LoadedService[];
  /** Resources left out for errors, in input order; absent when there are none (the usual case). */
  dropped?: DroppedResource[];
}

export interface LoadResult {
  resources: LoadedResources;
  diagnostics: Diagnostic[];
}
