import { StepError } from '@pipewright/step-sdk';

/**
 * Settles with `work`, or rejects with a retryable `StepError` as soon as `signal` aborts (the activity's timeout or
 * a cancellation), after calling `onAbort` so the client drops its connection.  For clients that take no signal.
 */
export function abortable<T>(signal: AbortSignal, what: string, work: Promise<T>, onAbort: () => void): Promise<T> {
  const aborted = () => new StepError(`${what} was cancelled or timed out`, { retryable: true });
  if (signal.aborted) {
    onAbort();
    // The work was already started: keep its rejection from becoming an unhandled one.
    work.catch(() => {});
    return Promise.reject(aborted());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbortSignal = () => {
      onAbort();
      reject(aborted());
    };
    signal.addEventListener('abort', onAbortSignal, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbortSignal);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbortSignal);
        reject(error);
      },
    );
  });
}
