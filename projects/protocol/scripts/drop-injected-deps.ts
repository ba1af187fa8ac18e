/**
 * After `ng build protocol`: @changefeed/protocol has no runtime dependencies, but ng-packagr
 * writes `tslib` into every package.json it builds, whether the code imports it or not. This
 * removes that entry, and fails the build instead if the built code imports any package at all
 * (then the dependency is real and must be declared in projects/protocol/package.json).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = resolve(fileURLToPath(import.meta.url), '../../../../dist/protocol');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.mjs') ? [join(dir, e.name)] : []));
}

const imports = files(dist).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'".][^'"]*)['"]/g)].map((m) => `${file}: ${m[1]}`),
);
if (imports.length) {
  console.error(`@changefeed/protocol must have no runtime dependencies, but its build imports:\n  ${imports.join('\n  ')}`);
  process.exit(1);
}
const pkgPath = join(dist, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
delete pkg.dependencies;
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
