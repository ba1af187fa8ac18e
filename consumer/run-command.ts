import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { NodeRuntime } from './node-runtime';

/**
 * Runs a command to completion with its output captured; a failure throws with the command and
 * the end of its output, which is where npm and ng say what went wrong.
 */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `${[command, ...args].join(' ')} (in ${options.cwd}) exited with ${code}:\n${output.slice(-6000)}`,
          ),
        );
    });
  });
}

/** The app's own Angular CLI on `runtime`, e.g. `runNg(dir, runtime, 'build')`. */
export function runNg(dir: string, runtime: NodeRuntime, ...args: string[]): Promise<string> {
  return runCommand(runtime.node, [join(dir, 'node_modules/@angular/cli/bin/ng.js'), ...args], {
    cwd: dir,
    env: { ...runtime.env, NG_CLI_ANALYTICS: 'false' },
  });
}

/**
 * `npm install` in `dir` on `runtime`, resolving as the registry stood on `resolvedAsOf` (npm's
 * `--before`), plus `packages` (tarballs) when given.
 */
export function npmInstall(
  dir: string,
  runtime: NodeRuntime,
  resolvedAsOf: string,
  packages: string[] = [],
): Promise<string> {
  return runCommand(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      `--before=${resolvedAsOf}`,
      ...packages,
    ],
    { cwd: dir, env: runtime.env },
  );
}
