/**
 * --svg <file> (`scp schedule --evse 1 --svg plan.svg`): the answer's chart as a picture, for tickets and reports. The
 * file is checked before anything is sent (its folder must exist and be writable) and written whole once the answer
 * is recorded (beside its name, then renamed), so a reader never sees half a picture. With --sum the sum's picture is
 * drawn instead (features/sum.ts), and without it a stream has no one picture to draw: refused.
 */
import { UsageError } from '../../core/errors.js';
import { unwritable } from '../../connection/secrets.js';
import type { Output } from '../../output/render.js';
import { checkWritable, writeWholeFile } from '../../transport/files.js';
import type { Run, Step } from '../steps.js';

/** The file --svg names, checked now; `write` puts a picture there (a failure then is said, not thrown: the answers
 * are in already). */
export async function pictureFile(options: Run['options'], output: Output): Promise<{ write(svg: string): Promise<void> } | undefined> {
  if (typeof options.svg !== 'string') return undefined;
  const path = options.svg;
  // Stdout holds the answers (and the table); a picture among them would be read by nobody.
  if (path === '-') throw new UsageError('--svg: "-" is not allowed; give the picture a file of its own (the answers go to stdout)');
  await checkWritable(path).catch((err: unknown) => {
    throw unwritable('--svg', path, err);
  });
  return {
    write: async (svg) => {
      try {
        await writeWholeFile(path, svg);
      } catch (err) {
        output.error(unwritable('--svg', path, err).message);
      }
    },
  };
}

export async function open({ kind, options, output, many }: Run): Promise<Step> {
  // --sum draws the sum; this step has nothing to add.
  if (options.sum === true) return {};
  if (many) throw new UsageError('--svg: one picture per run: with several requests, only with --sum (the site\'s total, the EVSEs stacked)');
  if (!kind.sum) throw new Error(`--svg: ${kind.command} has nothing to draw`);
  const summer = await kind.sum();
  const picture = (await pictureFile(options, output))!;
  let recorded: { svg: string | undefined } | undefined;
  return {
    recorded: (record) => {
      recorded = { svg: summer.picture(record) };
    },
    // Written once the record is shown (the run is over), and only where there is an answer to draw.
    close: async () => {
      if (recorded === undefined) return;
      if (recorded.svg !== undefined) await picture.write(recorded.svg);
      else output.warn('--svg: no schedule in the answer: no picture was drawn');
    },
  };
}
