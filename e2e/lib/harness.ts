/** A tiny sequential test runner: named tests, timing, a summary line, an exit code. */

export interface TestResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  error?: unknown;
}

export class SkipTest extends Error {
  override name = 'SkipTest';
}

/** Ends the current test as skipped, with the reason printed. */
export function skip(reason: string): never {
  throw new SkipTest(reason);
}

export async function runTest(
  name: string,
  body: () => Promise<void>,
  timeoutMs: number,
): Promise<TestResult> {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      body(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const ms = Date.now() - started;
    console.log(`✔ ${name} (${ms} ms)`);
    return { name, status: 'passed', ms };
  } catch (error) {
    const ms = Date.now() - started;
    if (error instanceof SkipTest) {
      console.log(`○ ${name} skipped: ${error.message}`);
      return { name, status: 'skipped', ms };
    }
    console.log(
      `✘ ${name} (${ms} ms)\n  ${error instanceof Error ? (error.stack ?? error.message).replace(/\n/g, '\n  ') : String(error)}`,
    );
    return { name, status: 'failed', ms, error };
  } finally {
    clearTimeout(timer);
  }
}

/** Prints the summary; the last line is the plain `N passed, N failed` CI reads. */
export function summarise(results: TestResult[]): number {
  const count = (status: TestResult['status']) => results.filter((r) => r.status === status).length;
  console.log('\n── e2e summary ──');
  for (const r of results)
    console.log(`${r.status === 'passed' ? '✔' : r.status === 'skipped' ? '○' : '✘'} ${r.name}`);
  const skipped = count('skipped');
  console.log(
    `e2e: ${count('passed')} passed, ${count('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
  return count('failed') > 0 || results.length === 0 ? 1 : 0;
}

/** A failed expectation with a message that says what did happen. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
