import { ToolError } from '../errors.js';

/** `promise`, or a rejection as soon as `signal` aborts: a caller stops waiting without stopping the work. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new ToolError('The call was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ToolError('The call was cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
