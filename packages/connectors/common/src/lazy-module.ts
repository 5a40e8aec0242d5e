/**
 * A loader for a connector's driver, imported by the first call (the first connection) rather than with the step
 * definitions: the server and the workers import every built-in step, and a process that never runs a connector
 * should not carry its driver (10–30 MB of RSS each).  Later calls share the first import; a failed import is
 * forgotten, so the next call tries again.
 *
 * Import the driver's types with `import type` and its values only through the loader: one static value import
 * loads the driver with the step definitions again (builtin-steps' driver-loading test catches that).
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= Promise.resolve()
      .then(load)
      .catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
    return loading;
  };
}
