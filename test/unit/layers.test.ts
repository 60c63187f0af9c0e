// The layout's two rules (issue #28), read from the sources as they are: no import circle (type-only imports
// included) and no import up a layer (launch -> cli -> commands -> simulator -> messages -> output -> transport ->
// options -> core; test/helpers/imports.mjs). `node test/helpers/imports.mjs` prints what breaks them.
import { describe, expect, it } from 'vitest';
import { circles, importGraph, layerOf, upward } from '../helpers/imports.mjs';

const graph = importGraph();
const arrow = (edge: { from: string; to: string; typeOnly: boolean }) => `${edge.from} -> ${edge.to}${edge.typeOnly ? ' (types only)' : ''}`;

describe('the import graph of src/', () => {
  it('is read: every module of the tree, with its imports', () => {
    expect(graph.files).toContain('src/cli.ts');
    expect(graph.edges).toContainEqual({ from: 'src/launch/index.ts', to: 'src/launch/passthrough.ts', typeOnly: false });
    // An import() and an `import type` are arrows too.
    expect(graph.edges).toContainEqual({ from: 'src/messages/clear/index.ts', to: 'src/messages/clear/prompts.ts', typeOnly: false });
    expect(graph.edges).toContainEqual({ from: 'src/launch/passthrough.ts', to: 'src/cli.ts', typeOnly: true });
  });

  it('has no circle, type-only imports included', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('imports nothing up a layer, and every file is in a layer', () => {
    const { up, unplaced } = upward(graph);
    expect(up.map(arrow)).toEqual([]);
    expect(unplaced).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const files = ['src/core/a.ts', 'src/core/b.ts', 'src/messages/m.ts', 'src/cli.ts'];
  it('find a circle made of a type-only import', () => {
    const edges = [
      { from: 'src/core/a.ts', to: 'src/core/b.ts', typeOnly: false },
      { from: 'src/core/b.ts', to: 'src/core/a.ts', typeOnly: true },
      { from: 'src/cli.ts', to: 'src/core/a.ts', typeOnly: false },
    ];
    expect(circles({ files, edges })).toEqual([['src/core/a.ts', 'src/core/b.ts']]);
  });

  it('find an import from core up to the messages', () => {
    const edges = [{ from: 'src/core/a.ts', to: 'src/messages/m.ts', typeOnly: true }];
    expect(upward({ files, edges }).up).toEqual(edges);
    expect(layerOf('src/cli.ts')!.rank).toBeGreaterThan(layerOf('src/messages/m.ts')!.rank);
  });
});
