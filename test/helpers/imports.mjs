// The import graph of src/, read from the sources (static imports, `export … from`, `import type`, and `import()`),
// and the two rules the layout keeps (issue #28): no circle, type-only imports included, and no import up a layer.
// `node test/helpers/imports.mjs` prints both; test/unit/layers.test.ts fails on either.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The layers, top first: a file may import its own layer's files and any layer below, never one above. The issue's
 * order (launch -> cli -> commands -> messages, simulator, transport, output -> core) made total: the request path
 * (pipeline: its runners and features) runs under the thin commands, over the connection settings; a feature may
 * answer from the simulator's station; the simulator dispatches to the messages, a message renders with output's
 * pieces, and the option table and the errors sit just above the pure core that parses values. Generated code
 * belongs to core.
 */
export const LAYERS = [
  ['launch', ['src/launch/']],
  ['cli', ['src/cli.ts', 'src/help.ts']],
  ['commands', ['src/commands/', 'src/demo.ts']],
  ['pipeline', ['src/pipeline/']],
  ['connection', ['src/connection/']],
  ['simulator', ['src/simulator/']],
  ['messages', ['src/messages/']],
  ['output', ['src/output/']],
  ['transport', ['src/transport/']],
  ['options', ['src/options.ts']],
  ['core', ['src/core/', 'src/shims/']],
];

export function layerOf(file) {
  const at = LAYERS.findIndex(([, prefixes]) => prefixes.some((prefix) => (prefix.endsWith('/') ? file.startsWith(prefix) : file === prefix)));
  return at === -1 ? undefined : { rank: LAYERS.length - at, name: LAYERS[at][0] };
}

function sources(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'build' ? [] : sources(path);
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import of one file to another file of src/: `{ from, to, typeOnly }`. */
export function importGraph() {
  const files = sources('src');
  const known = new Set(files);
  const edges = [];
  for (const from of files) {
    const text = readFileSync(join(root, from), 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[2] ?? match[3];
      if (!spec.startsWith('.')) continue;
      const target = relative(root, resolve(root, dirname(from), spec)).replace(/\.(c|m)?js$/, '.$1ts');
      if (known.has(target)) edges.push({ from, to: target, typeOnly: match[1] !== undefined });
    }
  }
  return { files, edges };
}

/** Files that import each other in a loop (Tarjan's strongly connected components of more than one file). */
export function circles({ files, edges }) {
  const next = new Map(files.map((file) => [file, []]));
  for (const edge of edges) if (edge.from !== edge.to) next.get(edge.from).push(edge.to);
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let counter = 0;
  const visit = (file) => {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file)) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file), low.get(to)));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file), index.get(to)));
    }
    if (low.get(file) !== index.get(file)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

/** Imports from a file to a layer above its own, and files no layer claims. */
export function upward({ files, edges }) {
  const unplaced = files.filter((file) => layerOf(file) === undefined);
  const up = edges.filter((edge) => layerOf(edge.from) && layerOf(edge.to) && layerOf(edge.to).rank > layerOf(edge.from).rank);
  return { up, unplaced };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = importGraph();
  const loops = circles(graph);
  const { up, unplaced } = upward(graph);
  console.log(`${graph.files.length} files, ${graph.edges.length} imports; ${loops.length} circle(s), ${up.length} import(s) up a layer`);
  for (const loop of loops) console.log(`circle: ${loop.join(', ')}`);
  for (const edge of up) console.log(`up: ${edge.from} (${layerOf(edge.from).name}) -> ${edge.to} (${layerOf(edge.to).name})${edge.typeOnly ? ', types only' : ''}`);
  for (const file of unplaced) console.log(`in no layer: ${file}`);
}
