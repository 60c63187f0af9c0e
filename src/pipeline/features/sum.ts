/**
 * --sum (`scp schedule --evse 1 --evse 2 --sum`, or over --input lines): after a stream's records, what they add up
 * to, shown (a table and chart, or one last --json record) and, with --svg, drawn; the message decides how its answers
 * add up (kind.ts Summer: messages/schedule/sum.ts). A total over --site-limit is a finding: said on stderr, and the
 * run exits 1 unless an outcome says worse. Every record is kept until the end (a site's answers, not a fleet's
 * stream: a few hundred schedules at most).
 */
import { OverLimitError } from '../../core/errors.js';
import type { ResultRecord, StreamRecord } from '../../core/outcome.js';
import { showAfterRecords } from '../../output/result.js';
import type { Run, Step } from '../steps.js';
import { pictureFile } from './svg.js';

export async function open({ kind, options, output }: Run): Promise<Step> {
  if (!kind.sum) throw new Error(`--sum: ${kind.command} has nothing to add up`);
  const summer = await kind.sum();
  const settings = summer.settings(options);
  const picture = await pictureFile(options, output);
  const records: Array<ResultRecord | StreamRecord> = [];
  return {
    recorded: (record) => {
      records.push(record);
    },
    report: async () => {
      const sum = summer.sum(records, settings);
      showAfterRecords(output, sum, options);
      if (sum.svg !== undefined) await picture?.write(sum.svg);
      else if (picture !== undefined) output.warn('--svg: no EVSE answered Accepted: no picture was drawn');
      if (sum.over === undefined) return undefined;
      output.error(sum.over);
      return new OverLimitError(sum.over);
    },
  };
}
