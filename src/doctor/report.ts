import type { Finding, Status } from './checks.js';

const MARK: Record<Status, string> = { ok: ' ok ', info: 'info', warn: 'warn', fail: 'FAIL' };

/** One line per finding; a problem carries its fix on the same line. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map(
      (finding) =>
        `  [${MARK[finding.status]}] ${finding.subject}: ${finding.detail}${finding.fix ? ` → fix: ${finding.fix}` : ''}`,
    )
    .join('\n');
}

export function hasProblem(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.status === 'fail');
}
