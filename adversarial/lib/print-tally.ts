/*
 * Jasmine helper: after the whole adversarial suite, print how many cases of each kind it tried.
 */
import { tallies } from './tally.ts';

afterAll(() => {
  const rows = [...tallies()];
  const width = Math.max(0, ...rows.map(([kind]) => kind.length));
  console.log('\nAdversarial cases tried:');
  for (const [kind, n] of rows) console.log(`  ${kind.padEnd(width)}  ${n}`);
  console.log(`  ${'total'.padEnd(width)}  ${rows.reduce((sum, [, n]) => sum + n, 0)}`);
});
