import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A Node.js the consumer apps run on. */
export interface NodeRuntime {
  version: string;
  /** The `node` binary. */
  node: string;
  /** Environment with this Node first on PATH, so npm, npx and ng run on it too. */
  env: NodeJS.ProcessEnv;
}

function runtime(version: string, node: string): NodeRuntime {
  return {
    version,
    node,
    env: { ...process.env, PATH: `${dirname(node)}:${process.env['PATH']}` },
  };
}

/**
 * The Node.js `version`: this process's own when it matches, otherwise the official binary from
 * the npm registry (the package `node-<platform>-<arch>` that `npm install node@<version>` would
 * fetch), kept in `cacheDir` for the next run.
 */
export function nodeRuntime(version: string, cacheDir: string): NodeRuntime {
  if (process.versions.node === version) return runtime(version, process.execPath);
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = join(cacheDir, `node-${version}`);
  const node = join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(node)) {
    const partial = `${prefix}.partial-${process.pid}`;
    execFileSync(
      'npm',
      ['install', '--prefix', partial, '--no-save', '--no-audit', '--no-fund', `${pkg}@${version}`],
      {
        stdio: 'inherit',
      },
    );
    rmSync(prefix, { recursive: true, force: true });
    renameSync(partial, prefix);
  }
  return runtime(version, node);
}
