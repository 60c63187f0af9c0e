/**
 * A step chart as an SVG file (`scp schedule --svg`), for tickets and reports where a terminal chart cannot go: the
 * series stacked bottom to top (one EVSE each, or one schedule), the stretches over a limit shaded red, the limit as
 * a dashed red line, a value axis with its unit, a time axis in local time (dated where the window crosses midnight),
 * a title and a legend. Self-contained (no fonts, scripts or links to fetch), so any browser or viewer draws it as it
 * is. Pure: the picture in, the file's text out.
 */
import { stepIndexes } from '../core/site.js';
import { clockTime, crossesMidnight, datedClock, localTime, zoneOf } from './time.js';

/** One stacked series: its legend label, and its value from each start (seconds from the picture's start) on. */
export interface PictureSeries {
  label: string;
  steps: ReadonlyArray<readonly [start: number, value: number]>;
}

export interface Picture {
  title: string;
  /** Lines under the title (the limit and how the total stands to it, who is missing). */
  notes?: readonly string[];
  /** The window: its start (ms since the epoch) and length in seconds. */
  start: number;
  duration: number;
  unit: 'A' | 'W';
  series: readonly PictureSeries[];
  /** A line across the chart (the site's limit), in `unit`. */
  limit?: { value: number; label: string };
  /** Stretches [from, to) in seconds where the total is over the limit. */
  over?: ReadonlyArray<readonly [from: number, to: number]>;
}

const WIDTH = 960;
/** The plot's height: the picture grows above it with the title's notes and below it with the legend's rows. */
const PLOT_HEIGHT = 320;
const LEFT = 90;
const RIGHT = WIDTH - 30;
/** Where the plot's time axis runs, left to right (for the tests that read a picture back). */
export const PLOT_SPAN = { left: LEFT, right: RIGHT } as const;
const LINE = 20;
// Tableau 10: told apart by most eyes, colour-blind ones included, and in print.
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#bab0ac', '#ff9da7', '#e15759'];
const OVER_RED = '#d62728';

const escape = (text: string) =>
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fixed = (n: number) => String(Math.round(n * 10) / 10);

/** Where things go: the plot's top and bottom, and the scales from seconds and values to the picture. */
interface Layout {
  top: number;
  bottom: number;
  /** The value at the plot's top: a round number above the highest bar and the limit. */
  ceiling: number;
  x(seconds: number): number;
  y(value: number): number;
}

/** A round step for the value axis: 1, 2 or 5 times a power of ten, giving about five lines. */
function valueStep(top: number): number {
  const rough = top / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough)!;
}

/** The value with its unit, as the axis says it: W as kW where the axis reaches 1000. */
function valueLabel(value: number, unit: 'A' | 'W', kilo: boolean): string {
  if (unit === 'W' && kilo) return `${fixed(value / 1000)} kW`;
  return `${fixed(value)} ${unit}`;
}

/** A round time step for the axis (minutes to days), giving at most about eight labels. */
function timeStep(duration: number): number {
  const steps = [60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
  return steps.find((step) => duration / step <= 8) ?? steps.at(-1)!;
}

/** A stretch of the window where no series changes, and each series' value over it. */
type Stretch = { from: number; to: number; values: number[] };

/** Every moment where a series changes, and each series' value over each stretch between two of them (0 before a
 * series' first step; a series' steps in the order of their starts). */
function stretches(picture: Picture): Stretch[] {
  const times = new Set<number>([0, picture.duration]);
  for (const series of picture.series) for (const [start] of series.steps) if (start > 0 && start < picture.duration) times.add(start);
  const sorted = [...times].sort((a, b) => a - b);
  const froms = sorted.slice(0, -1);
  const columns = picture.series.map((series) => {
    const steps = [...series.steps].sort((a, b) => a[0] - b[0]);
    return stepIndexes(steps.map(([start]) => start), froms).map((i) => (i < 0 ? 0 : steps[i]![1]));
  });
  return froms.map((from, i) => ({ from, to: sorted[i + 1]!, values: columns.map((column) => column[i]!) }));
}

/** The value axis: a grid line and a label at each round step. */
function valueAxis(picture: Picture, at: Layout): string[] {
  const parts: string[] = [];
  const kilo = picture.unit === 'W' && at.ceiling >= 1000;
  const step = valueStep(at.ceiling);
  for (let value = 0; value <= at.ceiling + step / 1000; value += step) {
    parts.push(`<line x1="${LEFT}" x2="${RIGHT}" y1="${fixed(at.y(value))}" y2="${fixed(at.y(value))}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${LEFT - 8}" y="${fixed(at.y(value) + 4)}" text-anchor="end">${escape(valueLabel(value, picture.unit, kilo))}</text>`);
  }
  return parts;
}

/** The time axis: ticks on round local times, dated where the window crosses a midnight, and its zone. */
function timeAxis(picture: Picture, at: Layout): string[] {
  const parts: string[] = [];
  const dated = crossesMidnight(picture.start, picture.duration);
  const every = timeStep(picture.duration);
  const offset = -new Date(picture.start).getTimezoneOffset() * 60;
  const first = Math.ceil((picture.start / 1000 + offset) / every) * every - offset - picture.start / 1000;
  for (let tick = first; tick <= picture.duration; tick += every) {
    const time = new Date(picture.start + tick * 1000);
    const label = dated && (tick === first || clockTime(time) === '00:00') ? datedClock(time) : clockTime(time);
    parts.push(`<line x1="${fixed(at.x(tick))}" x2="${fixed(at.x(tick))}" y1="${at.bottom}" y2="${at.bottom + 5}" stroke="#333"/>`);
    parts.push(`<text x="${fixed(at.x(tick))}" y="${at.bottom + 20}" text-anchor="middle">${escape(label)}</text>`);
  }
  const zone = zoneOf(new Date(picture.start));
  parts.push(`<text x="${(LEFT + RIGHT) / 2}" y="${at.bottom + 40}" text-anchor="middle" fill="#555">${escape(`local time (${zone})`)}</text>`);
  return parts;
}

/** The title, the window, and the notes under them. */
function titles(picture: Picture): string[] {
  const start = new Date(picture.start);
  const end = new Date(picture.start + picture.duration * 1000);
  const lines = [`${localTime(start)} to ${localTime(end)} ${zoneOf(start)}`, ...(picture.notes ?? [])];
  return [
    `<text x="${LEFT}" y="28" font-size="18" font-weight="bold">${escape(picture.title)}</text>`,
    ...lines.map((line, i) => `<text x="${LEFT}" y="${50 + i * LINE}" fill="#555">${escape(line)}</text>`),
  ];
}

/** The legend's entries laid out in rows, as many to a row as fit, from `top`; and the rows' count. */
function legend(picture: Picture, top: number): { parts: string[]; rows: number } {
  const entries = picture.series.map((series, i) => ({ label: series.label, mark: `<rect width="14" height="14" fill="${PALETTE[i % PALETTE.length]}"/>` }));
  if (picture.limit) entries.push({ label: picture.limit.label, mark: `<line x1="0" x2="14" y1="7" y2="7" stroke="${OVER_RED}" stroke-width="2" stroke-dasharray="4 3"/>` });
  const parts: string[] = [];
  let x = LEFT;
  let row = 0;
  for (const entry of entries) {
    // An average glyph of 13 px sans-serif is about 7.5 px wide.
    const width = 22 + entry.label.length * 7.5 + 18;
    if (x + width > RIGHT && x > LEFT) {
      x = LEFT;
      row++;
    }
    parts.push(`<g transform="translate(${fixed(x)} ${top + row * LINE})">${entry.mark}<text x="22" y="12">${escape(entry.label)}</text></g>`);
    x += width;
  }
  return { parts, rows: entries.length === 0 ? 0 : row + 1 };
}

/** The bars: each stretch's series stacked bottom to top. */
function bars(pieces: readonly Stretch[], at: Layout): string[] {
  const parts: string[] = [];
  for (const piece of pieces) {
    let below = 0;
    piece.values.forEach((value, i) => {
      if (value <= 0) return;
      parts.push(`<rect x="${fixed(at.x(piece.from))}" y="${fixed(at.y(below + value))}" width="${fixed(at.x(piece.to) - at.x(piece.from))}" height="${fixed(at.y(below) - at.y(below + value))}" fill="${PALETTE[i % PALETTE.length]}"/>`);
      below += value;
    });
  }
  return parts;
}

export function svgOf(picture: Picture): string {
  const pieces = stretches(picture);
  const highest = pieces.reduce((top, piece) => Math.max(top, piece.values.reduce((a, b) => a + b, 0)), Math.max(0, picture.limit?.value ?? 0));
  const ceiling = highest > 0 ? Math.ceil((highest * 1.1) / valueStep(highest * 1.1)) * valueStep(highest * 1.1) : 1;
  const top = 50 + (1 + (picture.notes?.length ?? 0)) * LINE;
  const bottom = top + PLOT_HEIGHT;
  const at: Layout = { top, bottom, ceiling, x: (s) => LEFT + (s / picture.duration) * (RIGHT - LEFT), y: (v) => bottom - (v / ceiling) * PLOT_HEIGHT };
  const key = legend(picture, bottom + 58);
  const height = bottom + 58 + key.rows * LINE + 10;
  const shaded = (picture.over ?? []).map(([from, to]) => `<rect x="${fixed(at.x(from))}" y="${top}" width="${fixed(at.x(to) - at.x(from))}" height="${PLOT_HEIGHT}" fill="${OVER_RED}" fill-opacity="0.12"/>`);
  const limit = picture.limit
    ? [`<line x1="${LEFT}" x2="${RIGHT}" y1="${fixed(at.y(picture.limit.value))}" y2="${fixed(at.y(picture.limit.value))}" stroke="${OVER_RED}" stroke-width="2" stroke-dasharray="8 5"/>`]
    : [];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13" fill="#222">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...titles(picture),
    ...shaded,
    ...valueAxis(picture, at),
    // Edges on whole pixels: stacked bars meet without a hairline of background between them.
    '<g shape-rendering="crispEdges">',
    ...bars(pieces, at),
    '</g>',
    `<line x1="${LEFT}" x2="${LEFT}" y1="${top}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${LEFT}" x2="${RIGHT}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`,
    ...timeAxis(picture, at),
    ...limit,
    ...key.parts,
    '</svg>',
    '',
  ].join('\n');
}
