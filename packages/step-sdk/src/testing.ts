import type { z } from 'zod';
import type { CredentialTypeDefinition } from './define-credential.ts';
import type { StepDefinition } from './define-step.ts';
import type { HttpPort, HttpRequest, HttpResponse, StepContext } from './ports.ts';

/** A fake HTTP port that answers from a handler and records every request. */
export function createFakeHttp(handler: (request: HttpRequest) => HttpResponse | Promise<HttpResponse>) {
  const requests: HttpRequest[] = [];
  const http: HttpPort = {
    async request(request) {
      requests.push(request);
      return handler(request);
    },
  };
  return { http, requests };
}

export interface TestContextOptions {
  http?: HttpPort;
  credentials?: Record<string, Record<string, unknown>>;
  attempt?: number;
  /** Abort it to simulate the activity's timeout or cancellation. */
  signal?: AbortSignal;
}

export function createTestContext(options: TestContextOptions = {}): StepContext {
  const logs: string[] = [];
  return {
    http: options.http ?? {
      request: async (request) => {
        throw new Error(`no fake HTTP handler for ${request.method} ${request.url}`);
      },
    },
    log: {
      info: (message) => logs.push(message),
      warn: (message) => logs.push(message),
      error: (message) => logs.push(message),
    },
    signal: options.signal ?? new AbortController().signal,
    run: {
      workflowId: 'test-run',
      nodeId: 'test_node',
      attempt: options.attempt ?? 1,
      idempotencyKey: 'test-run/test_node/1',
    },
    credentials: {
      async get(slot) {
        const value = options.credentials?.[slot];
        if (!value) throw new Error(`no test credential for slot "${slot}"`);
        return value;
      },
      async refresh(slot) {
        return this.get(slot);
      },
      has: (slot) => options.credentials?.[slot] !== undefined,
    },
  };
}

/** Runs a step the way the worker does: input validated by the step's schema, output validated too. */
export async function runStep<Input extends z.ZodObject, Output extends z.ZodType>(
  step: StepDefinition<Input, Output>,
  rawInput: unknown,
  ctx: StepContext = createTestContext(),
): Promise<z.infer<Output>> {
  if (!step.run) throw new Error(`step "${step.type}" has no run function`);
  const input = step.input.parse(rawInput);
  const output = await step.run(input, ctx);
  return step.output.parse(output);
}

/**
 * Runs a credential type's `test()` the way the server's "Test connection" does: values validated by its fields
 * (defaults applied) first.
 */
export async function testCredential<Fields extends z.ZodObject>(
  definition: CredentialTypeDefinition<Fields>,
  rawValues: unknown,
  options: { http?: HttpPort; signal?: AbortSignal } = {},
): Promise<void> {
  if (!definition.test) throw new Error(`credential type "${definition.type}" has no test function`);
  const values = definition.fields.parse(rawValues);
  await definition.test(values, {
    signal: options.signal ?? new AbortController().signal,
    http: options.http ?? createTestContext().http,
  });
}
