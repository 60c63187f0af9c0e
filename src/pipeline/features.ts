/**
 * The features of the request path, one line each: the option that switches a feature on, and its module (loaded
 * only then), whose steps the runners call at their moments (steps.ts). This is the one file that names them; a new
 * feature is its module in features/ and one line here (src/README.md, "Adding a feature").
 */
import type { Feature } from './steps.js';

export const FEATURES: readonly Feature[] = [
  // Answers here from the station the options describe (and says why, when asked); nothing connects.
  { option: 'offline', answersHere: true, load: () => import('./features/offline.js') },
  // Once a station accepts, asks whether what it accepted is in force.
  { option: 'verify', load: () => import('./features/verify.js') },
  // After the answer, follows what the service says about it until Ctrl-C.
  { option: 'watch', single: true, load: () => import('./features/watch.js') },
  // Remembers every request before it is published, and its record, in a JSON Lines file.
  { option: 'journal', global: true, load: () => import('./features/journal.js') },
  // Takes up the journal's last run of the command over the same input, sending no line twice (or, with
  // --retry-failed, again what failed).
  { option: 'resume', load: () => import('./features/journal-resume.js') },
  { option: 'retryFailed', load: () => import('./features/journal-resume.js') },
  // After a stream's records, what they add up to (a site's composite schedules), against a limit.
  { option: 'sum', load: () => import('./features/sum.js') },
  // The answer's chart (or the sum's) as an SVG picture.
  { option: 'svg', load: () => import('./features/svg.js') },
];
