// Markdown built with the places it may end. A comment too big for GitHub is cut at the last
// such place that fits, never inside a table row or a <details> block: the blocks still open
// there are closed (a table by a blank line, a <details> by its tag), and a note says what was
// left out, counted from what the places had shown.

import { sizeOf } from './comment-limit.ts';

/** What the comment has shown so far, counted by the renderer as it goes. */
export interface Shown {
  hosts: number;
  routeChanges: number;
  listenerChanges: number;
  clusters: number;
  endpointSets: number;
}

const NOTHING: Shown = { hosts: 0, routeChanges: 0, listenerChanges: 0, clusters: 0, endpointSets: 0 };

interface CutPoint {
  readonly lineCount: number;
  readonly size: number;
  /** Lines that close the blocks open at this point, innermost first. */
  readonly closing: readonly string[];
  readonly shown: Shown;
}

/** What a cut left out, of how many: per kind, `missing` of `total`. */
export type LeftOut = { readonly [K in keyof Shown]: { readonly missing: number; readonly total: number } };

export class CutMarkdown {
  private readonly lines: string[] = [];
  private size = 0;
  private readonly open: (readonly string[])[] = [];
  private readonly cuts: CutPoint[] = [];
  private readonly shown: Shown = { ...NOTHING };

  push(...lines: string[]): void {
    this.lines.push(...lines);
    this.size += sizeOf(lines);
  }

  /** Starts a block (a table, a <details>) that `closing` ends, wherever the output ends. */
  begin(lines: readonly string[], closing: readonly string[]): void {
    this.push(...lines);
    this.open.push(closing);
  }

  end(): void {
    const closing = this.open.pop();
    if (closing) this.push(...closing);
  }

  /** Counts what was just written, for the note of a cut after it. */
  count(kind: keyof Shown, n = 1): void {
    this.shown[kind] += n;
  }

  /** The output may end here: what is written so far is whole once the open blocks are closed. */
  cutPoint(): void {
    const closing = this.open.toReversed().flat();
    this.cuts.push({ lineCount: this.lines.length, size: this.size, closing, shown: { ...this.shown } });
  }

  /**
   * All the lines when they fit in `limit` characters; else the lines up to the last cut point
   * where they, the closing lines and the note `note` writes for that point fit together (at
   * worst the first cut point).
   */
  fit(limit: number, note: (leftOut: LeftOut) => string[]): string[] {
    if (this.size <= limit || this.cuts.length === 0) return [...this.lines];
    const sizeAt = (cut: CutPoint) => cut.size + sizeOf(cut.closing) + sizeOf(note(this.leftOutAt(cut)));
    const cut = this.cuts.findLast((c) => sizeAt(c) <= limit) ?? this.cuts[0]!;
    return [...this.lines.slice(0, cut.lineCount), ...cut.closing, ...note(this.leftOutAt(cut))];
  }

  private leftOutAt(cut: CutPoint): LeftOut {
    const entry = (k: keyof Shown) => ({ missing: this.shown[k] - cut.shown[k], total: this.shown[k] });
    return { hosts: entry('hosts'), routeChanges: entry('routeChanges'), listenerChanges: entry('listenerChanges'), clusters: entry('clusters'), endpointSets: entry('endpointSets') };
  }
}
