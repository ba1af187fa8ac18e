// @babel/core ships no types; it is a dependency of @angular/compiler-cli (the linker's host).
declare module '@babel/core' {
  export function transformAsync(code: string, options: Record<string, unknown>): Promise<{ code?: string | null } | null>;
}
