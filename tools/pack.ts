/**
 * `npm run pack` (after `npm run build`): the tarballs a release would publish, one per package,
 * in dist/packages/. Each is packed from its built output, never from its source folder (the
 * source folders are `private`, so npm refuses to publish them by mistake):
 * - @changefeed/protocol and @changefeed/angular from ng-packagr's dist/protocol and dist/angular;
 * - @changefeed/server from projects/server: its package.json, README and the `files` it lists
 *   (the tsc build in projects/server/dist, sql/).
 * Markdown links that leave a package (`../../docs/protocol.md`) would break once installed, so
 * the linked files are shipped inside the package at their repository path and the links point
 * there; a link that still resolves to nothing fails the pack, and so does a source map naming a
 * source that is neither inlined nor shipped.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
export const PACKAGES_DIR = join(root, 'dist/packages');

interface PackageToPack {
  /** The folder its package.json, README and links are written for. */
  source: string;
  /** The built folder to pack; `undefined`: the source folder's own `files`. */
  built?: string;
}

const PACKAGES: PackageToPack[] = [
  { source: 'projects/protocol', built: 'dist/protocol' },
  { source: 'projects/angular', built: 'dist/angular' },
  { source: 'projects/server' },
];

/** A relative Markdown link target: not a URL, not an anchor on the same page. */
const LINK = /\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s#]+)(#[^)\s]*)?\)/gi;

/** Copies what the package ships into a fresh folder in `stageDir` and returns it. */
function stage({ source, built }: PackageToPack, stageDir: string): string {
  const from = join(root, built ?? source);
  const to = join(stageDir, relative(join(root, 'projects'), join(root, source)));
  const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  if (built) cpSync(from, to, { recursive: true });
  else
    for (const entry of ['package.json', 'README.md', ...manifest.files]) {
      if (!existsSync(join(from, entry)))
        throw new Error(`${source}: ${entry} is missing; run npm run build first`);
      cpSync(join(from, entry), join(to, entry), { recursive: true });
    }
  delete manifest.private;
  // projects/protocol's main is the workspace's pointer at its build (built.mjs), not shipped.
  if (manifest.main && !existsSync(join(to, manifest.main))) delete manifest.main;
  delete manifest.scripts;
  delete manifest.devDependencies;
  checkSourceMaps(to);
  const shipped = shipLinkedFiles(to, join(root, source), 'README.md');
  if (manifest.files) manifest.files.push(...shipped);
  writeFileSync(join(to, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  return to;
}

/** Every source a shipped map names must be inside it (`sourcesContent`) or shipped beside it. */
function checkSourceMaps(packageDir: string): void {
  const maps = readdirSync(packageDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.map'),
  );
  for (const map of maps) {
    const { sources, sourcesContent = [] } = JSON.parse(
      readFileSync(join(packageDir, map), 'utf8'),
    );
    const missing = (sources as string[]).filter(
      (source, i) =>
        sourcesContent[i] == null && !existsSync(resolve(packageDir, dirname(map), source)),
    );
    if (missing.length)
      throw new Error(`${map} points at ${missing.join(', ')}, which the package does not ship`);
  }
}

/**
 * Points every relative link of `file` (a Markdown file in `packageDir`, whose original is
 * `original`) at a file inside the package: a target inside `sourceDir` must be shipped at the
 * same place; one elsewhere in the repository is copied to its path relative to the repository
 * root (docs/protocol.md). Returns the top-level entries it added.
 */
function shipLinkedFiles(
  packageDir: string,
  sourceDir: string,
  file: string,
  original = join(sourceDir, file),
): string[] {
  const added = new Set<string>();
  const from = relative(root, original);
  const text = readFileSync(join(packageDir, file), 'utf8').replace(
    LINK,
    (_, target: string, anchor = '') => {
      const linked = resolve(dirname(original), target);
      if (!existsSync(linked)) throw new Error(`${from} links to ${target}, which does not exist`);
      const insideSource = !relative(sourceDir, linked).startsWith('..');
      const shippedAs = insideSource ? relative(sourceDir, linked) : relative(root, linked);
      if (!existsSync(join(packageDir, shippedAs))) {
        if (insideSource)
          throw new Error(`${from} links to ${target}, which the package does not ship`);
        mkdirSync(dirname(join(packageDir, shippedAs)), { recursive: true });
        cpSync(linked, join(packageDir, shippedAs));
        added.add(shippedAs.split('/')[0]);
        if (shippedAs.endsWith('.md'))
          for (const entry of shipLinkedFiles(packageDir, sourceDir, shippedAs, linked))
            added.add(entry);
      }
      return `](${relative(dirname(join(packageDir, file)), join(packageDir, shippedAs))}${anchor})`;
    },
  );
  writeFileSync(join(packageDir, file), text);
  return [...added];
}

/** Packs every package into `destination` (emptied first) and returns the tarballs' paths. */
export function pack(destination = PACKAGES_DIR): string[] {
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  const stageDir = mkdtempSync(join(tmpdir(), 'changefeed-pack-'));
  try {
    return PACKAGES.map((pkg) => {
      const [{ filename }] = JSON.parse(
        execFileSync(
          'npm',
          ['pack', stage(pkg, stageDir), '--json', '--pack-destination', destination],
          {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        ),
      ) as { filename: string }[];
      return join(destination, filename);
    });
  } finally {
    rmSync(stageDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  for (const tarball of pack()) console.log(relative(root, tarball));
