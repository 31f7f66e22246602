// A snapshot source over a config folder: compiles it at start and whenever a file in it
// changes (a watch per directory, folder-watch.ts; debounced), in a child process
// (folder-compiler.ts), so proxies are served while it compiles. A change that fails validation is logged with its
// diagnostics and NOT served: the previous snapshot stays, as it would with the log. A read
// that a file change overlapped is neither served nor judged: its compile (and Envoy check) is
// stopped as soon as the change is seen, and the folder is read again.
//
// Generations start from the clock (seconds since the epoch) rather than 1, so a restarted
// `meshlog serve` usually continues above the versions its proxies hold (status reads more
// naturally). They are this replica's own numbering, not an order shared with other replicas
// or restarts (orderedGenerations is false): streams never hold a proxy back for reporting a
// higher one. The log-backed source has real, persisted, shared generations.
import { formatDiagnostic, hasErrors, type Diagnostic } from '../core/diagnostics.ts';
import { ChildFolderCompiler, type FolderCompiler } from './folder-compiler.ts';
import { FolderWatcher } from './folder-watch.ts';
import type { Logger } from './logger.ts';
import { ListenerSet, type ActiveSnapshot, type Rejection, type Rejections, type SnapshotListener, type SnapshotSource } from './snapshot-source.ts';

export interface FolderSourceOptions {
  readonly folder: string;
  readonly logger: Logger;
  /** Quiet time after the last change before recompiling; default 200 ms. */
  readonly debounceMs?: number;
  /** First generation; default: seconds since the epoch. */
  readonly initialGeneration?: number;
  /**
   * `meshlog serve --envoy`: each new valid snapshot goes through this Envoy binary
   * (`envoy --mode validate`, in the compile's child process) before it is activated. A
   * rejection keeps the previous snapshot, as invalid config does.
   */
  readonly envoyPath?: string;
  /** The compile's heap limit in MB (`meshlog serve --compile-heap-mb`); default: Node's. */
  readonly maxHeapMb?: number;
  /** What reads and compiles the folder; default: a child process per compile (tests wrap it). */
  readonly compiler?: FolderCompiler;
}

export type CompileAttempt =
  | { readonly ok: true; readonly active: ActiveSnapshot; readonly changed: boolean }
  | ({ readonly ok: false } & Omit<Rejection, 'at'>);

export class FolderSnapshotSource implements SnapshotSource {
  readonly orderedGenerations = false;
  readonly #opts: FolderSourceOptions;
  readonly #listeners = new ListenerSet();
  #active: ActiveSnapshot | undefined;
  #nextGeneration: number;
  #watcher: FolderWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CompileAttempt> | undefined;
  #again = false;
  #closed = false;
  /** Stops a compile under way when the source closes. */
  readonly #stopCompile = new AbortController();
  /** Stops the compile under way when a file changes: its read is stale, and its Envoy check could take a minute. */
  #staleRead: AbortController | undefined;
  readonly #compiler: FolderCompiler;
  /** File events seen so far: a compile whose read overlapped one is not activated. */
  #changes = 0;
  #rejected: Rejection | undefined;
  #rejectedTotal = 0;

  constructor(opts: FolderSourceOptions) {
    this.#opts = opts;
    this.#nextGeneration = opts.initialGeneration ?? Math.floor(Date.now() / 1000);
    this.#compiler = opts.compiler ?? new ChildFolderCompiler(opts.maxHeapMb !== undefined ? { maxHeapMb: opts.maxHeapMb } : {});
  }

  /**
   * Starts watching, then compiles once. The first result is returned (valid or not). Watching
   * starts first so that a file changed during the first read makes it read again.
   */
  async start(): Promise<CompileAttempt> {
    this.#watcher = new FolderWatcher(
      this.#opts.folder,
      () => {
        this.#changes++;
        this.#staleRead?.abort();
        this.#schedule();
      },
      (err) => this.#opts.logger.warn('config folder watch failed; changes there may be missed', { error: String(err) }),
    );
    return this.reload();
  }

  current(): ActiveSnapshot | undefined {
    return this.#active;
  }

  rejections(): Rejections {
    return this.#rejected ? { current: this.#rejected, total: this.#rejectedTotal } : { total: this.#rejectedTotal };
  }

  subscribe(listener: SnapshotListener): () => void {
    return this.#listeners.add(listener);
  }

  /** Compiles the folder now; activates the result if it is valid and differs. */
  async reload(): Promise<CompileAttempt> {
    if (this.#running) {
      // One compile at a time; a change during a compile triggers exactly one more.
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#compileOnce();
    try {
      return await this.#running;
    } finally {
      this.#running = undefined;
      if (this.#again && !this.#closed) {
        this.#again = false;
        this.#schedule();
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopCompile.abort();
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#listeners.clear();
    await this.#running;
    await this.#compiler.close();
  }

  /** Keeps /readyz and /metrics told: a refusal stands until a later read is served or unchanged. */
  #record(result: CompileAttempt): CompileAttempt {
    if (result.ok) {
      // Back to valid: said, or the log would end on the refusal.
      if (this.#rejected && !result.changed) this.#opts.logger.info('config is valid again; serving the same snapshot', { generation: result.active.generation });
      this.#rejected = undefined;
    } else if (!this.#closed) {
      const { ok: _, ...refusal } = result;
      this.#rejected = { at: new Date().toISOString(), ...refusal };
      this.#rejectedTotal++;
    }
    return result;
  }

  /** What proxies get meanwhile, for the log: there is no previous snapshot before the first valid one. */
  #keeping(): string {
    return this.#active ? 'keeping the previous snapshot' : 'nothing is served yet';
  }

  #schedule(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), this.#opts.debounceMs ?? 200);
  }

  /**
   * Reads and compiles until a read was not overlapped by a file change. A file written while
   * the folder was read may have been read half-written (an editor or a checkout truncates,
   * then writes): such a read is neither served nor reported as invalid; the folder is read
   * again once it has been quiet for the debounce time.
   */
  async #compileOnce(): Promise<CompileAttempt> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.#attempt();
      if (result !== OVERLAPPED) return this.#record(result);
      if (this.#closed) return { ok: false, reason: 'closed while reading' };
      if (attempt >= MAX_OVERLAPPED_READS) {
        this.#opts.logger.error(`config folder kept changing while it was read; ${this.#keeping()}`, { attempts: attempt });
        return { ok: false, reason: 'the folder kept changing while it was read' };
      }
      await new Promise((resolve) => setTimeout(resolve, this.#opts.debounceMs ?? 200));
    }
  }

  async #attempt(): Promise<CompileAttempt | typeof OVERLAPPED> {
    const log = this.#opts.logger;
    // Events of writes finished before this read arrive first, so they do not count as overlapping it.
    await nextTurn();
    const changesBefore = this.#changes;
    // After the read and compile, and after the async check: one more turn lets the events of
    // writes made meanwhile arrive.
    const overlapped = async (): Promise<boolean> => {
      await nextTurn();
      return this.#changes !== changesBefore;
    };
    // Directories created since the last read are watched before this one lists them.
    this.#watcher?.sync();
    const envoyPath = this.#opts.envoyPath;
    const unlessContentHash = this.#active?.snapshot.contentHash;
    const envoyCheck = envoyPath !== undefined ? { envoyPath, ...(unlessContentHash ? { unlessContentHash } : {}) } : undefined;
    const staleRead = (this.#staleRead = new AbortController());
    const result = await this.#compiler.compile(this.#opts.folder, AbortSignal.any([this.#stopCompile.signal, staleRead.signal]), envoyCheck);
    this.#staleRead = undefined;
    if (staleRead.signal.aborted && !this.#closed) return OVERLAPPED;
    if (this.#closed) return { ok: false, reason: 'closed while compiling' };
    if (result.kind === 'unreadable') {
      log.error(`config folder unreadable; ${this.#keeping()}`, { error: result.message });
      return { ok: false, reason: result.message };
    }
    if (result.kind === 'failed') {
      // A compiler bug, or a compile that ran out of memory: a serving replica survives both.
      log.error(`compiler failed; ${this.#keeping()}`, { error: result.message });
      return { ok: false, reason: `compiler failed: ${firstLine(result.message)}` };
    }
    if (await overlapped()) return OVERLAPPED;
    if (!result.valid || !result.snapshot) {
      const errors = refusedBy(result.diagnostics);
      log.error(`config is invalid and not served; ${this.#keeping()}`, errors);
      return { ok: false, reason: `${errors.errors} validation error(s)`, ...errors };
    }
    if (this.#active && this.#active.snapshot.contentHash === result.snapshot.contentHash) {
      return { ok: true, active: this.#active, changed: false };
    }
    if (envoyCheck) {
      const checked = result.envoyCheck;
      // Unproven is not served: the check exists so that nothing unchecked reaches a proxy.
      if (!checked || 'error' in checked) {
        const error = checked ? checked.error : 'the check did not run';
        log.error(`pre-serve check failed; ${this.#keeping()}`, { error });
        return { ok: false, reason: `pre-serve check failed: ${error}` };
      }
      if (hasErrors(checked.diagnostics)) {
        const errors = refusedBy(checked.diagnostics);
        log.error(`config rejected by the pre-serve check and not served; ${this.#keeping()}`, errors);
        return { ok: false, reason: `${errors.errors} error(s) from the pre-serve check`, ...errors };
      }
    }
    // Never reuse or go below a generation already handed out, even if the clock stepped back.
    const generation = Math.max(this.#nextGeneration, (this.#active?.generation ?? 0) + 1);
    this.#nextGeneration = generation + 1;
    this.#active = { snapshot: result.snapshot, generation, activatedAt: new Date().toISOString() };
    log.info('snapshot activated', { generation, contentHash: result.snapshot.contentHash, views: result.snapshot.views.length });
    this.#listeners.emit(this.#active);
    return { ok: true, active: this.#active, changed: true };
  }
}

/** A read that a file change overlapped: not a verdict on the config. */
const OVERLAPPED = Symbol('overlapped');
/** Reads in a row that may be overlapped before giving up until the next change. */
const MAX_OVERLAPPED_READS = 5;

/** Errors shown per refusal, in the log and in /api/server: enough to start fixing, bounded in size. */
const ERRORS_SHOWN = 50;

/** The errors among `diagnostics`: their count and the first of them, as the log and /api/server give them. */
function refusedBy(diagnostics: readonly Diagnostic[]): { errors: number; diagnostics: string[] } {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return { errors: errors.length, diagnostics: errors.slice(0, ERRORS_SHOWN).map(formatDiagnostic) };
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

/** One turn of the event loop: file events already queued by the kernel are delivered. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
