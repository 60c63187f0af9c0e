export type Edge = { from: string; to: string; typeOnly: boolean };
export type Graph = { files: string[]; edges: Edge[] };
export const LAYERS: Array<[string, string[]]>;
export function layerOf(file: string): { rank: number; name: string } | undefined;
export function importGraph(): Graph;
export function circles(graph: Graph): string[][];
export function upward(graph: Graph): { up: Edge[]; unplaced: string[] };
