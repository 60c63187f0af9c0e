/**
 * Words that are near one another: the typo checks of the launcher (a lone word one edit away from a command is
 * ours) and of "did you mean". Pure.
 */

/** Edits between two words: insertions, deletions, substitutions and swaps of two neighbours (optimal string
 * alignment), as commander counts them. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** One letter taken out of `word` and put back elsewhere makes `target` (`sceduhle` -> `schedule`). */
function oneLetterMoved(word: string, target: string): boolean {
  if (word.length !== target.length || word === target) return false;
  for (let from = 0; from < word.length; from++) {
    const rest = word.slice(0, from) + word.slice(from + 1);
    for (let to = 0; to <= rest.length; to++) if (rest.slice(0, to) + word[from] + rest.slice(to) === target) return true;
  }
  return false;
}

/** Whether `word` is one edit away from `target`: a letter added, dropped, changed, swapped with its neighbour, or moved. */
export function oneEditAway(word: string, target: string): boolean {
  return word !== target && (editDistance(word, target) === 1 || oneLetterMoved(word, target));
}

/** The candidates nearest to `word`, for "did you mean": at most two edits, and more alike than not. */
export function nearest(word: string, candidates: readonly string[]): string[] {
  let best = 3;
  let found: string[] = [];
  for (const candidate of new Set(candidates)) {
    const distance = oneEditAway(word, candidate) ? 1 : editDistance(word, candidate);
    const length = Math.max(word.length, candidate.length);
    if (candidate.length <= 1 || (length - distance) / length <= 0.4) continue;
    if (distance < best) [best, found] = [distance, [candidate]];
    else if (distance === best) found.push(candidate);
  }
  return found.sort();
}

/** For a value outside a list (`txprofile`): the allowed one it differs from only in case, else those it begins,
 * else the nearest when compared without case; ` (did you mean TxProfile?)`, or nothing. */
export function didYouMeanValue(word: string, allowed: readonly string[]): string {
  const lower = word.toLowerCase();
  const same = allowed.filter((one) => one.toLowerCase() === lower);
  // The start of an allowed value (`txdefault`, `3`) says which was meant as well as a typo does.
  const started = lower === '' ? [] : allowed.filter((one) => one.toLowerCase().startsWith(lower));
  if (same.length + started.length > 0) return ` (did you mean ${(same.length > 0 ? same : started).join(' or ')}?)`;
  const byLower = new Map(allowed.map((one) => [one.toLowerCase(), one]));
  const near = nearest(lower, [...byLower.keys()]).map((one) => byLower.get(one)!);
  return near.length === 0 ? '' : ` (did you mean ${near.join(' or ')}?)`;
}

/** ` (did you mean status?)`, or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const near = nearest(word, candidates);
  return near.length === 0 ? '' : ` (did you mean ${near.join(' or ')}?)`;
}
