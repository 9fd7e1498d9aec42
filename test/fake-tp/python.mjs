// @ts-check
// How Python spells things the fake has to print the way the real CLI does.

/**
 * repr() of a str, as argparse quotes values in its errors.
 * @param {string} s
 */
export const pyRepr = (s) =>
  s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** An uncaught Python exception: main prints a traceback to stderr and exits 1. */
export class Traceback extends Error {
  /** @param {string} error  the last line of the traceback, e.g. `OSError: ...` */
  constructor(error) {
    super(error);
    this.error = error;
  }
}

/**
 * The `[Errno N] ...: 'file'` text of an OSError, from a Node error.
 * @param {unknown} e
 * @param {string} file  the path as the user gave it
 */
export function pythonError(e, file) {
  const { code, message } = /** @type {NodeJS.ErrnoException} */ (e);
  /** @type {Record<string, [number, string]>} */
  const errnos = {
    ENOENT: [2, 'No such file or directory'],
    EACCES: [13, 'Permission denied'],
    EISDIR: [21, 'Is a directory'],
  };
  const known = code === undefined ? undefined : errnos[code];
  return known ? `[Errno ${known[0]}] ${known[1]}: ${pyRepr(file)}` : `${code ?? 'Error'}: ${message}`;
}
