import { LOOP_MAX_CONCURRENCY } from '@pipewright/control-steps';
import {
  controlStepDefinitions,
  ifStep,
  loopStep,
  mergeStep,
  subflowStep,
  switchStep,
  transformStep,
  waitStep,
} from '@pipewright/control-steps/definitions';
import type { AnyStepDefinition } from '@pipewright/step-sdk';
import { httpPollTrigger } from './http-poll.trigger.ts';
import { httpRequestStep } from './http-request.step.ts';
import { manualTrigger } from './manual.trigger.ts';
import { checkScheduleConfig, type ScheduleConfigIssue, scheduleTrigger } from './schedule.trigger.ts';
import { nextScheduleFireTimes, parseScheduleCron, type ScheduleCron } from './schedule-cron.ts';
import { WEBHOOK_MAX_BODY_BYTES, webhookTrigger } from './webhook.trigger.ts';

export {
  checkScheduleConfig,
  httpPollTrigger,
  httpRequestStep,
  ifStep,
  LOOP_MAX_CONCURRENCY,
  loopStep,
  manualTrigger,
  mergeStep,
  nextScheduleFireTimes,
  parseScheduleCron,
  type ScheduleConfigIssue,
  type ScheduleCron,
  scheduleTrigger,
  subflowStep,
  switchStep,
  transformStep,
  WEBHOOK_MAX_BODY_BYTES,
  waitStep,
  webhookTrigger,
};

/** The built-in step types, written with the same SDK a third party uses. */
export const builtinSteps: AnyStepDefinition[] = [
  webhookTrigger,
  manualTrigger,
  scheduleTrigger,
  httpPollTrigger,
  ...controlStepDefinitions,
  httpRequestStep,
];
