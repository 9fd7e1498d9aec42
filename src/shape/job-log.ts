import { jobStatus } from './rows.js';
import { isSpinnerLine } from './table.js';

/**
 * What `tp job listen` printed, read as a job's log and its end. tp prints each engine message as it
 * comes: the lines the job wrote, and at the end a line of the engine's own about how it ended
 * (docs/tp-cli.md §6: exit 0 on status success, 1 on error). Spinner lines and those closing lines
 * are tp's, not the job's, and stay out of the log.
 */
export interface JobLog {
  /** The job's own lines, from the start of its log. */
  lines: string[];
  /** RUNNING, COMPLETED, FAILED, CANCELED …, where tp's text or its exit says it. */
  jobStatus?: string;
  /** The job's exit code, where tp states it. */
  exitCode?: number;
}

const FINAL_STATUS = /^Job \S+ (?:finished )?with status (\w+)/i;
const FAILED = /^Job \S+ (failed|was cancell?ed|canceled|completed|succeeded)\b/i;
const EXIT_CODE = /\bexit(?:ed with)? code:?\s*(-?\d+)/i;
const TP_OWN = [
  /^Connection (?:ended unexpectedly|lost)\b/i,
  /^Check 'tp job info/i,
  /^Close code:/i,
  /^Job listening (?:completed|failed)/i,
];

export function readJobLog(stdout: string, exitCode: number | null, stoppedByUs: boolean): JobLog {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '' && !isSpinnerLine(line));
  let status: string | undefined;
  let code: number | undefined;
  // tp's closing words come last: a job's own line that looks like one, earlier in the log, stays the job's
  while (lines.length > 0) {
    const line = lines.at(-1)!;
    const final = FINAL_STATUS.exec(line) ?? FAILED.exec(line);
    if (!final && !TP_OWN.some((pattern) => pattern.test(line))) break;
    if (final && status === undefined) {
      status = jobStatus(final[1]!.replace(/^was /, ''));
      const stated = EXIT_CODE.exec(line);
      if (stated) code = Number(stated[1]);
    }
    lines.pop();
  }
  // tp ends 0 only on the engine's status success; a stream we stopped was still open, so the job goes on
  if (!status && exitCode === 0 && !stoppedByUs) status = 'COMPLETED';
  if (!status && stoppedByUs) status = 'RUNNING';
  if (code === undefined && status === 'COMPLETED') code = 0;
  return { lines, jobStatus: status, exitCode: code };
}
