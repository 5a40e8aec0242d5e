/**
 * JavaScript evaluated *inside* the QuickJS sandbox.  Kept as source strings so no host object ever crosses in:
 * the only host function is the `log` sink, captured in a closure and never reachable as a global.
 */

/** Longest single log line kept, in characters (the rest is cut inside the sandbox). */
export const MAX_LOG_LINE_CHARS = 10_000;

/** Called with the host `log(level, message)` sink; installs a global `console` that formats like Node's. */
export const INSTALL_CONSOLE = `(function (log) {
  'use strict';
  function format(value) {
    try {
      if (typeof value === 'string') return value;
      if (value instanceof Error) return String(value.name) + ': ' + String(value.message);
      if (typeof value === 'function') return '[Function' + (value.name ? ': ' + value.name : '') + ']';
      if (typeof value === 'bigint') return String(value) + 'n';
      if (value === undefined || typeof value === 'symbol') return String(value);
      var json = JSON.stringify(value);
      return json === undefined ? String(value) : json;
    } catch (error) {
      return '[unprintable value]';
    }
  }
  function writer(level) {
    return function () {
      var parts = [];
      for (var i = 0; i < arguments.length; i++) parts.push(format(arguments[i]));
      log(level, parts.join(' ').slice(0, ${MAX_LOG_LINE_CHARS}));
    };
  }
  var console = { log: writer('log'), info: writer('info'), warn: writer('warn'), error: writer('error'), debug: writer('log') };
  Object.defineProperty(globalThis, 'console', { value: Object.freeze(console), writable: false, configurable: false });
})`;

/**
 * Called with (userFunction, inputJson, maxResultChars).  Resolves to a plain outcome object, so the host reads
 * strings only: `{ kind: 'ok', json }`, `{ kind: 'too-large', size }`, `{ kind: 'not-json', error }` or
 * `{ kind: 'error', error }` where `error` is `{ name, message, stack }` cut to a readable size.
 */
export const RUN_USER_CODE = `(function (fn, inputJson, maxResultChars) {
  'use strict';
  function cut(value, max) { var text = String(value); return text.length > max ? text.slice(0, max) + '…' : text; }
  function describe(error) {
    try {
      if (error instanceof Error) {
        return { name: cut(error.name, 200), message: cut(error.message, 2000), stack: cut(error.stack || '', 2000) };
      }
      var shown;
      try { shown = JSON.stringify(error); } catch (ignored) {}
      return { name: 'Error', message: 'threw a non-Error value: ' + cut(shown === undefined ? String(error) : shown, 2000), stack: '' };
    } catch (unreadable) {
      return { name: 'Error', message: 'threw a value that cannot be described', stack: '' };
    }
  }
  return fn(JSON.parse(inputJson)).then(function (value) {
    var json;
    try { json = JSON.stringify(value); } catch (error) { return { kind: 'not-json', error: describe(error) }; }
    if (json === undefined) json = 'null';
    if (json.length > maxResultChars) return { kind: 'too-large', size: json.length };
    return { kind: 'ok', json: json };
  }, function (error) {
    return { kind: 'error', error: describe(error) };
  });
})`;

/**
 * Wraps the user's function body.  It starts on line 1 of `code.js`, so line numbers in errors match the editor.
 * Evaluated as a script (never a module), so `import` statements are syntax errors and `import()` finds no loader.
 */
export const wrapUserCode = (body: string): string => `(async (input) => {${body}\n})`;

export const USER_CODE_FILENAME = 'code.js';
