// Counters for /metrics (Prometheus text format). Kept as plain numbers: the server
// increments them on its hot path, so no label maps are built per event.
import { XDS_TYPES, type XdsType } from '../snapshot/types.ts';

type PerType = Record<XdsType, number>;

function perType(): PerType {
  return { cds: 0, eds: 0, lds: 0, rds: 0 };
}

export class XdsMetrics {
  readonly streamsOpen = { sotw: 0, delta: 0 };
  streamsTotal = 0;
  streamsRejected = 0;
  readonly pushes = perType();
  readonly acks = perType();
  readonly nacks = perType();
  staleNonces = 0;
  generation = 0;

  /** Prometheus text exposition (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: [string, number][]): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    const byType = (counts: PerType): [string, number][] => XDS_TYPES.map((t) => [`{type="${t}"}`, counts[t]]);
    metric('meshlog_xds_streams', 'gauge', 'Open ADS streams.', [
      ['{mode="sotw"}', this.streamsOpen.sotw],
      ['{mode="delta"}', this.streamsOpen.delta],
    ]);
    metric('meshlog_xds_streams_total', 'counter', 'ADS streams accepted since start.', [['', this.streamsTotal]]);
    metric('meshlog_xds_streams_rejected_total', 'counter', 'ADS streams refused by the new-stream rate limit.', [
      ['', this.streamsRejected],
    ]);
    metric('meshlog_xds_pushes_total', 'counter', 'Discovery responses sent.', byType(this.pushes));
    metric('meshlog_xds_acks_total', 'counter', 'Responses ACKed by proxies.', byType(this.acks));
    metric('meshlog_xds_nacks_total', 'counter', 'Responses NACKed (rejected) by proxies.', byType(this.nacks));
    metric('meshlog_xds_stale_nonces_total', 'counter', 'Requests ignored for carrying a stale nonce.', [
      ['', this.staleNonces],
    ]);
    metric('meshlog_snapshot_generation', 'gauge', 'Generation of the snapshot being served.', [['', this.generation]]);
    return lines.join('\n') + '\n';
  }
}
