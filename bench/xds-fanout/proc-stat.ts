// CPU seconds and RSS of a process, read from /proc (Linux), so the harness can measure any
// server (meshlog or go-control-plane's peer) without its cooperation.
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux: /proc reports CPU time in these

/** User + system CPU seconds, or undefined when the process is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')').
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, i.e. 11 and 12 after ')'.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Resident set size in bytes, or undefined when the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Waits (bounded) until the process uses less than `busyMs` of CPU per 200 ms window. */
export async function waitIdle(pid: number, maxMs = 15_000, busyMs = 20): Promise<void> {
  const deadline = Date.now() + maxMs;
  let prev = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const cur = cpuSeconds(pid);
    if (cur === undefined || prev === undefined) return;
    if ((cur - prev) * 1000 < busyMs) return;
    prev = cur;
  }
}
