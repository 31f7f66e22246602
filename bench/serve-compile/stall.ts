// How long a thread stops while `work` runs: its wall time, and the longest stretch a 2 ms
// interval timer on that thread could not fire. A compile in the thread stops it for the whole
// compile; one in a worker only while the result is taken.

export async function measuredStall(work: () => Promise<unknown>): Promise<{ ms: number; stopMs: number }> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 2);
  const start = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const end = performance.now();
  return { ms: Math.round(end - start), stopMs: Math.round(Math.max(longest, end - last)) };
}
