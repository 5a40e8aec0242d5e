/** The message a sandbox thread posts when the engine is loaded and the user's time limit starts. */
export const STARTED = { started: true } as const;

export const isStartedMessage = (message: unknown): boolean =>
  typeof message === 'object' && message !== null && (message as { started?: unknown }).started === true;
