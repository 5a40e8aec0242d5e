import { CORE_MERGE_TYPE, CORE_WAIT_TYPE, WAIT_TIMEOUT_PORT } from '@pipewright/control-steps';
import { IDENTITY, type NodeTranslator, recordOf } from '../node-translation.ts';
import { own } from '../to-jsonata.ts';

/** The timeout given to an imported event wait that had none (n8n allows waiting forever; Pipewright does not). */
const DEFAULT_EVENT_TIMEOUT_SECONDS = 7 * 86_400;

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

/**
 * n8n Wait → Wait.  `timeInterval` → delay, `specificTime` → until, `webhook` / `form` → event (resumed through
 * the run's resume URL).  n8n passes the items on; Pipewright's Wait outputs `{ waitedUntil }`, so expressions
 * after it read the node before it.
 */
export const waitTranslator: NodeTranslator = {
  isTrigger: false,
  shape: () => ({ kind: 'upstream' }),
  translate(context) {
    const { parameters, typeVersion } = context.node;
    const resume = typeof parameters.resume === 'string' ? parameters.resume : 'timeInterval';
    const seconds = (amount: unknown, unit: unknown): number =>
      (typeof amount === 'number' ? amount : 1) *
      (own(UNIT_SECONDS, typeof unit === 'string' ? unit : 'hours') ?? 3600);
    if (resume === 'timeInterval') {
      const unit = parameters.unit ?? (typeVersion >= 1.1 ? 'hours' : 'hours');
      return {
        type: CORE_WAIT_TYPE,
        config: { mode: 'delay', durationSeconds: seconds(parameters.amount, unit) },
        ports: ['out'],
      };
    }
    if (resume === 'specificTime') {
      return {
        type: CORE_WAIT_TYPE,
        config: { mode: 'until', until: context.value('dateTime', parameters.dateTime ?? '') },
        ports: ['out'],
      };
    }
    if (resume !== 'webhook')
      context.report(`resume on "${resume}" is not translated: it waits for a resume event`, 'resume');
    context.report(
      "n8n's resume URL ($execution.resumeUrl) is not kept: resume the run through its resume URL (run.resumeUrls)",
      'resume',
    );
    const config: Record<string, unknown> = { mode: 'event' };
    if (parameters.limitWaitTime === true && parameters.limitType !== 'atSpecifiedTime') {
      config.timeoutSeconds = Math.max(1, seconds(parameters.resumeAmount, parameters.resumeUnit));
    } else {
      // An event wait must end somewhere (the compiler requires a timeout).
      config.timeoutSeconds = DEFAULT_EVENT_TIMEOUT_SECONDS;
      context.report(
        parameters.limitWaitTime === true
          ? 'a timeout "at a specified time" is not translated: it times out after 7 days; adjust it'
          : 'n8n waited without a limit; a Pipewright event wait needs one: 7 days is set',
        'limitWaitTime',
      );
    }
    return { type: CORE_WAIT_TYPE, config, ports: ['out', WAIT_TIMEOUT_PORT] };
  },
};

/**
 * n8n Merge → Merge (waits for every input).  Append → `append`; combine by position → `byPosition`; combine by
 * matching fields → `byKey` (one field name on both sides); other modes are reported.
 */
export const mergeTranslator: NodeTranslator = {
  isTrigger: false,
  shape: () => IDENTITY,
  translate(context) {
    const { parameters, typeVersion } = context.node;
    const mode = typeof parameters.mode === 'string' ? parameters.mode : 'append';
    const config: Record<string, unknown> = { wait: 'all', combine: 'append' };
    const byPosition = ['mergeByIndex', 'mergeByPosition', 'combineByPosition'];
    const combination = typeVersion >= 3 ? parameters.combineBy : parameters.combinationMode;
    if (mode === 'append' || mode === 'passThrough' || mode === 'wait') {
      if (mode !== 'append') context.report(`mode "${mode}" is translated as append`, 'mode');
    } else if (
      byPosition.includes(mode) ||
      (mode === 'combine' && typeof combination === 'string' && byPosition.includes(combination))
    ) {
      config.combine = 'byPosition';
    } else if (
      mode === 'mergeByKey' ||
      (mode === 'combine' &&
        (combination === undefined || combination === 'combineByFields' || combination === 'mergeByFields'))
    ) {
      const key = matchKey(parameters);
      if (key === undefined)
        context.report('the fields to match are not one field with the same name on both inputs: set the key', 'mode');
      config.combine = 'byKey';
      config.key = key ?? 'id';
    } else if (mode === 'chooseBranch') {
      context.report(
        '"choose branch" is translated as append of both inputs: keep the branch you need downstream',
        'mode',
      );
    } else {
      context.report(
        `mode "${mode}${typeof combination === 'string' ? ` / ${combination}` : ''}" is not translated: it appends`,
        'mode',
      );
    }
    context.report(
      'n8n ran the next nodes once per merged item; Pipewright passes the merged list as one value (input): check the expressions after it',
    );
    return { type: CORE_MERGE_TYPE, config, ports: ['out'] };
  },
};

function matchKey(parameters: Record<string, unknown>): string | undefined {
  if (typeof parameters.fieldsToMatchString === 'string') {
    const fields = parameters.fieldsToMatchString
      .split(',')
      .map((field) => field.trim())
      .filter(Boolean);
    return fields.length === 1 ? fields[0] : undefined;
  }
  if (typeof parameters.propertyName1 === 'string' && parameters.propertyName1 === parameters.propertyName2) {
    return parameters.propertyName1;
  }
  const values = recordOf(parameters.mergeByFields).values;
  if (Array.isArray(values) && values.length === 1) {
    const pair = recordOf(values[0]);
    if (typeof pair.field1 === 'string' && pair.field1 === pair.field2) return pair.field1;
  }
  return undefined;
}
