// What plain `node` imports as @changefeed/protocol inside this workspace (projects/server's
// build does): the built package in dist/protocol, so run `npm run build` first. TypeScript and
// tsx resolve the sources through tsconfig paths instead; tools/pack.ts leaves this file out.
export * from '../../dist/protocol/fesm2022/changefeed-protocol.mjs';
