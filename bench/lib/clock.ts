/**
 * Milliseconds on CLOCK_MONOTONIC. `process.hrtime` reads the same clock in every process of the
 * machine, so a timestamp taken by the server process and read by the client process is
 * comparable without any offset (performance.timeOrigin is per-process and can be ~1 ms off).
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when `check()` is true, polling; rejects with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
