// Change notification for a config folder: one non-recursive fs.watch per directory.
//
// Why not `fs.watch(root, { recursive: true })`: on Linux, Node builds the recursive watch from
// watches on the files themselves, and an editor that saves by writing a temporary file and
// renaming it over the original (vim, `sed -i`, many IDEs) replaces the watched file: its
// later edits raise no event at all, so `meshlog serve` silently kept serving stale config.
// A directory watch reports every entry of the directory by name, whatever replaced it.
//
// The set of directories follows the folder: `sync()` (called before every read) watches new
// directories and drops the ones that are gone.
//
// The root may be replaced under its name: a symbolic link swapped to publish a new version
// atomically (git-sync's `current` → `.worktrees/<commit>`, Kubernetes ConfigMap and Secret
// volumes' `..data` → a timestamped folder), or a folder deleted and made again, or renamed
// over. A watch follows the directory it was opened on, not the name, so the folder holding the
// root is watched for events on the root's name, and a root that now is another directory (its
// path, device or inode changed) has every watch opened again. A directory created and filled between two
// syncs is still seen: its creation is an event in its parent, and the read that event
// schedules syncs first. The folders the reader skips (dot-folders such as .git, and
// node_modules) and symbolic links are not watched, since nothing in them is read.
import fs from 'node:fs';
import path from 'node:path';
import { isSkippedFolderName } from '../ingest/file-filter.ts';

export class FolderWatcher {
  readonly #root: string;
  readonly #onChange: () => void;
  readonly #onError: (err: unknown) => void;
  /** Relative directory path ('' for the root) → its watcher. */
  readonly #watchers = new Map<string, fs.FSWatcher>();
  /** Watches the folder holding the root for its name (a swap or a re-creation is an event there). */
  #parentWatcher: fs.FSWatcher | undefined;
  /** Which directory the root was at the last sync: its real path, device and inode. */
  #target: string | undefined;
  #closed = false;

  /** `onChange` runs for every event in any watched directory; `onError` when a directory cannot be watched. */
  constructor(root: string, onChange: () => void, onError: (err: unknown) => void) {
    this.#root = path.resolve(root); // no trailing slash: lstat must see a link as a link
    this.#onChange = onChange;
    this.#onError = onError;
  }

  /** Directories watched now, relative to the root (for tests and logs). */
  get directories(): string[] {
    return [...this.#watchers.keys()].sort();
  }

  /** Watches every directory the reader would read, and only those. */
  sync(): void {
    if (this.#closed) return;
    this.#followRoot();
    const present = this.#directories();
    for (const [dir, watcher] of this.#watchers) {
      if (!present.has(dir)) {
        watcher.close();
        this.#watchers.delete(dir);
      }
    }
    for (const dir of present) if (!this.#watchers.has(dir)) this.#watch(dir);
  }

  close(): void {
    this.#closed = true;
    this.#parentWatcher?.close();
    this.#closeAll();
  }

  #closeAll(): void {
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
  }

  /** Watches the root's name in its folder, and reopens every watch when the root is now another directory. */
  #followRoot(): void {
    this.#watchParent();
    let target: string;
    try {
      const real = fs.realpathSync(this.#root);
      const stat = fs.statSync(real);
      target = `${real}\0${stat.dev}:${stat.ino}`;
    } catch {
      return; // gone: the read reports it, and its re-creation is an event in the parent
    }
    if (this.#target !== undefined && target !== this.#target) this.#closeAll();
    this.#target = target;
  }

  #watchParent(): void {
    const parent = path.dirname(this.#root);
    if (this.#parentWatcher || parent === this.#root) return;
    const name = path.basename(this.#root);
    try {
      // Only events for the root's own name: its folder may hold much else (git-sync's worktrees).
      this.#parentWatcher = fs.watch(parent, (_event, file) => {
        if (file === null || file === name || String(file) === name) this.#onChange();
      });
      this.#parentWatcher.on('error', (err) => this.#onError(err));
    } catch (err) {
      this.#onError(err);
    }
  }

  #watch(dir: string): void {
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(path.join(this.#root, dir), () => this.#onChange());
    } catch (err) {
      // Removed since it was listed (the event of its removal schedules a read and a sync),
      // or out of watches (ENOSPC: fs.inotify.max_user_watches): said, not fatal.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#onError(err);
      return;
    }
    watcher.on('error', (err) => {
      // A watched directory that is deleted can end its watcher with an error: forget it, and
      // treat it as the change it is.
      watcher.close();
      if (this.#watchers.get(dir) === watcher) this.#watchers.delete(dir);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'EPERM') this.#onError(err);
      this.#onChange();
    });
    this.#watchers.set(dir, watcher);
  }

  /** The root and every directory under it the reader walks (no links, no skipped folders). */
  #directories(): Set<string> {
    const out = new Set<string>(['']);
    const pending = [''];
    while (pending.length > 0) {
      const rel = pending.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(this.#root, rel), { withFileTypes: true });
      } catch {
        continue; // gone, or unreadable: the read reports it
      }
      for (const e of entries) {
        if (!e.isDirectory() || isSkippedFolderName(e.name)) continue;
        const child = rel === '' ? e.name : `${rel}/${e.name}`;
        out.add(child);
        pending.push(child);
      }
    }
    return out;
  }
}
