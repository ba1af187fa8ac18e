import { readFileSync } from 'node:fs';

/** A code block a README marks as a file of the consumer app. */
export interface Snippet {
  /** Path inside the app, e.g. src/app/app.config.ts. */
  target: string;
  code: string;
}

/**
 * The code blocks of a README marked for the consumer test: an HTML comment
 * `<!-- consumer-test: <path in the app> … -->` on the line before the fence (invisible once
 * rendered). The test writes each block to that path as it stands, so a README snippet that stops
 * compiling or working fails it.
 */
export function readmeSnippets(readmePath: string): Snippet[] {
  const text = readFileSync(readmePath, 'utf8');
  const snippets = [
    ...text.matchAll(/<!-- consumer-test: (\S+)[^>]*-->\s*```[a-z]*\n([\s\S]*?)\n```/g),
  ].map(([, target, code]) => ({ target, code: code + '\n' }));
  if (snippets.length === 0)
    throw new Error(`${readmePath} marks no code block with <!-- consumer-test: <path> -->`);
  return snippets;
}
