import { parseSync, traverse } from '@babel/core';

/**
 * `code` without the import bindings it never reads. esbuild keeps every name an external
 * import lists, even when tree-shaking dropped the only code that used it (the APF bundle
 * imports `resource` from @angular/core for liveResource() whether or not the app uses it);
 * an app's build, which bundles Angular and RxJS, has no import statements left to carry them.
 * A statement left with no bindings stays, as `import{}from"…"`: it may have side effects.
 */
export function withoutUnusedImports(code: string): string {
  const unused: { start: number; end: number }[] = [];
  const ast = parseSync(code, { sourceType: 'module', configFile: false, babelrc: false });
  traverse(ast!, {
    ImportSpecifier(path) {
      if (!path.scope.getBinding(path.node.local.name)?.referenced) unused.push({ start: path.node.start!, end: path.node.end! });
    },
  });
  // From the end, so earlier offsets hold; each with the comma that joins it to a neighbour.
  for (const { start, end } of unused.reverse()) {
    if (code[start - 1] === ',') code = code.slice(0, start - 1) + code.slice(end);
    else code = code.slice(0, start) + code.slice(code[end] === ',' ? end + 1 : end);
  }
  return code;
}
