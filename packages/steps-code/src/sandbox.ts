import releaseSyncVariantExport from '@jitl/quickjs-wasmfile-release-sync';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
} from 'quickjs-emscripten-core';
import { INSTALL_CONSOLE, RUN_USER_CODE, USER_CODE_FILENAME, wrapUserCode } from './sandbox-scripts.ts';

export type LogLevel = 'log' | 'info' | 'warn' | 'error';
export interface LogLine {
  level: LogLevel;
  message: string;
}

export interface SandboxLimits {
  timeoutMs: number;
  memoryLimitBytes: number;
  /** QuickJS's own stack guard.  Deeper native recursion may hit the host's stack first; both fail cleanly. */
  maxStackBytes?: number;
  maxResultChars?: number;
  maxLogLines?: number;
  maxLogChars?: number;
}

export interface SandboxRequest {
  /** The body of an async function receiving `input`. */
  code: string;
  /** `input`, already JSON-encoded by the host: parsed inside the sandbox, so no host object enters it. */
  inputJson: string;
  limits: SandboxLimits;
}

export interface SandboxErrorInfo {
  name: string;
  message: string;
  /** 1-based line in the user's code, when the engine reported one. */
  line?: number;
}

export type SandboxOutcome =
  | { status: 'ok'; resultJson: string; logs: LogLine[] }
  | { status: 'error'; error: SandboxErrorInfo; logs: LogLine[] }
  | { status: 'not-json'; error: SandboxErrorInfo; logs: LogLine[] }
  | { status: 'timeout'; logs: LogLine[] }
  | { status: 'out-of-memory'; logs: LogLine[] }
  | { status: 'never-settles'; logs: LogLine[] }
  | { status: 'result-too-large'; size: number; logs: LogLine[] };

// The variant's types describe its CommonJS build (the default export nested one level); Node's ESM import gives
// the variant itself.  Accept either shape.
const releaseSyncVariant = unwrapVariant(releaseSyncVariantExport);

function unwrapVariant(value: unknown): QuickJSSyncVariant {
  const isSyncVariant = (candidate: unknown): candidate is QuickJSSyncVariant =>
    typeof candidate === 'object' && candidate !== null && Reflect.get(candidate, 'type') === 'sync';
  if (isSyncVariant(value)) return value;
  const nested: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, 'default') : undefined;
  if (isSyncVariant(nested)) return nested;
  throw new Error('@jitl/quickjs-wasmfile-release-sync did not export a QuickJS sync variant');
}

/** The slice of `WebAssembly.Memory` used here (TypeScript's ES libs do not declare the WebAssembly global). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmMemoryConstructor = new (descriptor: { initial: number; maximum: number }) => WasmMemory;

function wasmMemoryConstructor(): WasmMemoryConstructor {
  const wasm: unknown = Reflect.get(globalThis, 'WebAssembly');
  const memory: unknown = typeof wasm === 'object' && wasm !== null ? Reflect.get(wasm, 'Memory') : undefined;
  if (typeof memory !== 'function') throw new Error('this JavaScript engine has no WebAssembly.Memory');
  return memory as WasmMemoryConstructor;
}

const WASM_PAGE_BYTES = 65_536;
/** Emscripten's initial heap: the interpreter, its static data and C stack live here before any user allocation. */
const BASELINE_BYTES = 16 * 1024 * 1024;
/** Held back until the deadline, so the uncatchable "interrupted" error can still be allocated in a full heap. */
const DEADLINE_RESERVE_BYTES = 4 * 1024 * 1024;
/** Largest result, in characters of JSON. */
export const DEFAULT_MAX_RESULT_CHARS = 5 * 1024 * 1024;
const DEFAULTS = {
  maxStackBytes: 256 * 1024,
  maxResultChars: DEFAULT_MAX_RESULT_CHARS,
  maxLogLines: 1000,
  maxLogChars: 1024 * 1024,
};

/**
 * Runs untrusted JavaScript in a QuickJS WebAssembly instance of its own.
 *
 * Each run gets a fresh WebAssembly module and linear memory whose growth is capped, so a runaway allocation is
 * bounded by WebAssembly (QuickJS's own malloc accounting under-counts in this build) and a crash (trap, host
 * stack overflow) leaves nothing behind for the next run.  Evaluation is synchronous; the interrupt handler bounds
 * it by the deadline.  The only capability inside is `console`.
 *
 * @example
 * const outcome = await runInSandbox({ code: 'return input.a + 1', inputJson: '{"a":1}',
 *   limits: { timeoutMs: 1000, memoryLimitBytes: 32 * 1024 * 1024 } });
 * // → { status: 'ok', resultJson: '2', logs: [] }
 */
export async function runInSandbox(
  request: SandboxRequest,
  hooks: { /** Called once the engine is loaded, just before the time limit starts. */ onStart?: () => void } = {},
): Promise<SandboxOutcome> {
  const limits = { ...DEFAULTS, ...request.limits };
  const heap = createCappedMemory(limits.memoryLimitBytes);
  const module = await newQuickJSWASMModuleFromVariant(newVariant(releaseSyncVariant, { wasmMemory: heap.memory }));
  const logs = createLogSink(limits.maxLogLines, limits.maxLogChars);
  const state = { timedOut: false };
  let runtime: QuickJSRuntime | undefined;
  let context: QuickJSContext | undefined;
  // After a trap or a host stack overflow the instance is in an unknown state: drop it rather than call into it.
  let poisoned = false;
  const handles: QuickJSHandle[] = [];
  try {
    runtime = module.newRuntime();
    runtime.setMemoryLimit(limits.memoryLimitBytes);
    runtime.setMaxStackSize(limits.maxStackBytes);
    hooks.onStart?.();
    const deadline = Date.now() + limits.timeoutMs;
    const rt = runtime;
    rt.setInterruptHandler(() => {
      if (Date.now() < deadline) return false;
      state.timedOut = true;
      heap.releaseReserve();
      rt.setMemoryLimit(-1);
      return true;
    });
    context = runtime.newContext();
    const outcome = evaluate(context, runtime, { request, limits, logs, handles, deadline });
    return state.timedOut && outcome.status !== 'ok' ? { status: 'timeout', logs: logs.lines } : outcome;
  } catch (error) {
    poisoned = true;
    if (state.timedOut) return { status: 'timeout', logs: logs.lines };
    return classifyHostFailure(error, logs.lines);
  } finally {
    if (!poisoned) disposeAll(handles, context, runtime);
  }
}

interface EvaluateArgs {
  request: SandboxRequest;
  limits: Required<SandboxLimits>;
  logs: ReturnType<typeof createLogSink>;
  handles: QuickJSHandle[];
  deadline: number;
}

function evaluate(context: QuickJSContext, runtime: QuickJSRuntime, args: EvaluateArgs): SandboxOutcome {
  const { request, limits, logs, handles } = args;
  const keep = (handle: QuickJSHandle): QuickJSHandle => {
    handles.push(handle);
    return handle;
  };
  const fail = (errorHandle: QuickJSHandle): SandboxOutcome => {
    keep(errorHandle);
    return classifyEngineError(readEngineError(context, errorHandle), logs.lines);
  };

  const logFn = keep(
    context.newFunction('log', (levelHandle, messageHandle) => {
      logs.push(context.getString(levelHandle), context.getString(messageHandle));
    }),
  );
  const installConsole = context.evalCode(INSTALL_CONSOLE, 'pipewright-console.js', { type: 'global' });
  if (installConsole.error) return fail(installConsole.error);
  const installed = context.callFunction(keep(installConsole.value), context.undefined, logFn);
  if (installed.error) return fail(installed.error);
  keep(installed.value);

  const userFn = context.evalCode(wrapUserCode(request.code), USER_CODE_FILENAME, { type: 'global' });
  if (userFn.error) return fail(userFn.error);
  const runner = context.evalCode(RUN_USER_CODE, 'pipewright-runner.js', { type: 'global' });
  if (runner.error) return fail(runner.error);
  const called = context.callFunction(
    keep(runner.value),
    context.undefined,
    keep(userFn.value),
    keep(context.newString(request.inputJson)),
    keep(context.newNumber(limits.maxResultChars)),
  );
  if (called.error) return fail(called.error);
  const promise = keep(called.value);

  for (;;) {
    const state = context.getPromiseState(promise);
    if (state.type === 'fulfilled') return readRunnerOutcome(context, keep(state.value), logs.lines);
    if (state.type === 'rejected') return fail(state.error);
    if (!runtime.hasPendingJob()) return { status: 'never-settles', logs: logs.lines };
    if (Date.now() >= args.deadline) return { status: 'timeout', logs: logs.lines };
    const jobs = runtime.executePendingJobs();
    if (jobs.error) return fail(jobs.error);
  }
}

function readRunnerOutcome(context: QuickJSContext, outcome: QuickJSHandle, logs: LogLine[]): SandboxOutcome {
  const kind = context.getProp(outcome, 'kind').consume((handle) => context.getString(handle));
  if (kind === 'ok') {
    return { status: 'ok', resultJson: context.getProp(outcome, 'json').consume((h) => context.getString(h)), logs };
  }
  if (kind === 'too-large') {
    return {
      status: 'result-too-large',
      size: context.getProp(outcome, 'size').consume((h) => context.getNumber(h)),
      logs,
    };
  }
  const error = context.getProp(outcome, 'error').consume((h) => toErrorInfo(context.dump(h)));
  if (kind === 'not-json') return { status: 'not-json', error: error ?? { name: 'Error', message: 'unknown' }, logs };
  return classifyEngineError(error, logs);
}

function readEngineError(context: QuickJSContext, errorHandle: QuickJSHandle): SandboxErrorInfo | null {
  try {
    return toErrorInfo(context.dump(errorHandle));
  } catch {
    return null;
  }
}

function classifyEngineError(error: SandboxErrorInfo | null, logs: LogLine[]): SandboxOutcome {
  // QuickJS throws `null` when it cannot even allocate the error object.
  if (error === null || (error.name === 'InternalError' && error.message === 'out of memory')) {
    return { status: 'out-of-memory', logs };
  }
  return { status: 'error', error, logs };
}

function classifyHostFailure(error: unknown, logs: LogLine[]): SandboxOutcome {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return {
      status: 'error',
      error: { name: 'RangeError', message: 'Maximum call stack size exceeded (the code recursed too deeply)' },
      logs,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/out of memory|memory access out of bounds/i.test(message)) return { status: 'out-of-memory', logs };
  return { status: 'error', error: { name: 'InternalError', message: `the sandbox crashed: ${message}` }, logs };
}

function toErrorInfo(dumped: unknown): SandboxErrorInfo | null {
  if (dumped === null || dumped === undefined) return null;
  if (typeof dumped !== 'object') return { name: 'Error', message: String(dumped) };
  const record = dumped as Record<string, unknown>;
  const name = typeof record.name === 'string' ? record.name : 'Error';
  const message = typeof record.message === 'string' ? record.message : JSON.stringify(dumped);
  const line = findUserLine(typeof record.stack === 'string' ? record.stack : '');
  return line === undefined ? { name, message } : { name, message, line };
}

const USER_FRAME = new RegExp(`${USER_CODE_FILENAME.replace('.', '\\.')}:(\\d+)`);

function findUserLine(stack: string): number | undefined {
  const match = USER_FRAME.exec(stack);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * A WebAssembly memory whose growth Emscripten asks for through `memory.grow`: refused past the limit (malloc then
 * fails and QuickJS throws "out of memory"), allowed into a small reserve once the deadline has passed.
 */
function createCappedMemory(memoryLimitBytes: number) {
  const normalCap = BASELINE_BYTES + memoryLimitBytes;
  const hardCap = normalCap + DEADLINE_RESERVE_BYTES;
  // Sized up front: untouched pages cost no resident memory, and growing while QuickJS runs a promise job makes
  // quickjs-emscripten read a stale view (a leaked context, then an abort when the runtime is freed).
  const Memory = wasmMemoryConstructor();
  const memory = new Memory({
    initial: Math.ceil(normalCap / WASM_PAGE_BYTES),
    maximum: Math.ceil(hardCap / WASM_PAGE_BYTES),
  });
  let cap = normalCap;
  const grow = memory.grow.bind(memory);
  Object.defineProperty(memory, 'grow', {
    value(pages: number): number {
      if (memory.buffer.byteLength + pages * WASM_PAGE_BYTES > cap) throw new RangeError('sandbox memory limit');
      return grow(pages);
    },
  });
  return {
    memory,
    releaseReserve() {
      cap = hardCap;
    },
  };
}

function createLogSink(maxLines: number, maxChars: number) {
  const lines: LogLine[] = [];
  let chars = 0;
  let truncated = false;
  return {
    lines,
    push(level: string, message: string) {
      if (truncated) return;
      if (lines.length >= maxLines || chars + message.length > maxChars) {
        truncated = true;
        lines.push({
          level: 'warn',
          message: `… further console output dropped (limit ${maxLines} lines / ${maxChars} characters)`,
        });
        return;
      }
      chars += message.length;
      lines.push({ level: isLogLevel(level) ? level : 'log', message });
    },
  };
}

const isLogLevel = (value: string): value is LogLevel =>
  value === 'log' || value === 'info' || value === 'warn' || value === 'error';

function disposeAll(
  handles: QuickJSHandle[],
  context: QuickJSContext | undefined,
  runtime: QuickJSRuntime | undefined,
) {
  // The whole WebAssembly instance is discarded after the run, so a failed dispose cannot leak into the next one.
  try {
    for (const handle of handles.reverse()) if (handle.alive) handle.dispose();
    context?.dispose();
    runtime?.dispose();
  } catch {
    // ignore: see above
  }
}
