// @babel/core ships no types; it is a dependency of @angular/compiler-cli (the linker's host).
// Only what bench/ uses: the linker's transform, and the parser and scope walk of
// lib/without-unused-imports.ts.
declare module '@babel/core' {
  export function transformAsync(code: string, options: Record<string, unknown>): Promise<{ code?: string | null } | null>;

  export interface Node {
    start?: number | null;
    end?: number | null;
  }
  export interface ImportSpecifier extends Node {
    local: { name: string };
  }
  export interface NodePath<T> {
    node: T;
    scope: { getBinding(name: string): { referenced: boolean } | undefined };
  }
  export function parseSync(code: string, options: Record<string, unknown>): Node | null;
  export function traverse(ast: Node, visitors: { ImportSpecifier?: (path: NodePath<ImportSpecifier>) => void }): void;
}
