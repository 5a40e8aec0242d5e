import { type AnyStepDefinition, isStepError, type StepContext } from '@pipewright/step-sdk';
import { builtinSteps } from '@pipewright/steps-core';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import type { RunStepFailureDetails, RunStepInput, RunStepResult } from '../workflows/contract.ts';
import { createFetchHttpPort } from './http-port.ts';

export type RunStepFn = (input: RunStepInput) => Promise<RunStepResult>;

const stepKey = (type: string, version: number) => `${type}@${version}`;

const runStepInputSchema = z.object({
  nodeId: z.string(),
  type: z.string(),
  typeVersion: z.number().int(),
  input: z.unknown(),
  idempotencyKey: z.string(),
});

/**
 * The `runStep` activity over a set of step definitions: validates the input with the step's schema, runs it with
 * real ports, validates the output.  Failures become ApplicationFailures whose `details[0]` is
 * `{ attempt, details }` (RunStepFailureDetails), so the workflow can report how many attempts a node took.
 */
export function createRunStep(steps: AnyStepDefinition[]): RunStepFn {
  const registry = new Map(steps.map((step) => [stepKey(step.type, step.version), step]));
  return async function runStep(raw) {
    const context = Context.current();
    const attempt = context.info.attempt;
    const request = runStepInputSchema.parse(raw);
    const step = registry.get(stepKey(request.type, request.typeVersion));
    if (!step?.run) {
      throw failure(
        `no worker step "${request.type}" v${request.typeVersion} on this task queue`,
        'UnknownStep',
        false,
        { attempt },
      );
    }
    const parsedInput = step.input.safeParse(request.input);
    if (!parsedInput.success) {
      throw failure(formatZodIssues(parsedInput.error), 'InvalidStepInput', false, {
        attempt,
        details: { issues: parsedInput.error.issues },
      });
    }
    const ctx: StepContext = {
      http: createFetchHttpPort({ signal: context.cancellationSignal, defaultTimeoutMs: 30_000 }),
      log: {
        info: (message, fields) => context.log.info(message, { nodeId: request.nodeId, ...fields }),
        warn: (message, fields) => context.log.warn(message, { nodeId: request.nodeId, ...fields }),
        error: (message, fields) => context.log.error(message, { nodeId: request.nodeId, ...fields }),
      },
      signal: context.cancellationSignal,
      run: {
        workflowId: context.info.workflowExecution?.workflowId ?? '',
        nodeId: request.nodeId,
        attempt,
        idempotencyKey: request.idempotencyKey,
      },
      credentials: {
        get: () => Promise.reject(new Error('credentials are not supported yet')),
      },
    };

    let output: unknown;
    try {
      output = await step.run(parsedInput.data, ctx);
    } catch (error) {
      if (isStepError(error)) {
        throw ApplicationFailure.create({
          message: error.message,
          type: 'StepError',
          nonRetryable: !error.retryable,
          details: [{ attempt, details: error.details } satisfies RunStepFailureDetails],
          ...(error.retryAfterMs === undefined ? {} : { nextRetryDelay: error.retryAfterMs }),
        });
      }
      const message = error instanceof Error ? error.message : String(error);
      const type = error instanceof Error ? error.name : 'Error';
      throw ApplicationFailure.create({
        message,
        type,
        nonRetryable: false,
        details: [{ attempt } satisfies RunStepFailureDetails],
      });
    }

    const parsedOutput = step.output.safeParse(output);
    if (!parsedOutput.success) {
      throw failure(
        `step "${step.type}" v${step.version} returned an invalid output: ${formatZodIssues(parsedOutput.error)}`,
        'InvalidStepOutput',
        false,
        {
          attempt,
        },
      );
    }
    return { output: parsedOutput.data, attempts: attempt };
  };
}

export const runStep: RunStepFn = createRunStep(builtinSteps);

function failure(
  message: string,
  type: string,
  retryable: boolean,
  details: RunStepFailureDetails,
): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: !retryable, details: [details] });
}

/** `url: must be an http:// or https:// URL; method: Invalid option…` — one line a builder can act on. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
}
