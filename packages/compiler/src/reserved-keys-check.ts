import { controlStepFor } from '@pipewright/control-steps';
import { isTemplate } from '@pipewright/expression';
import type { FlowNode } from '@pipewright/flow';
import { isReservedKey, reservedKeyIn } from '@pipewright/step-sdk';
import type { CompileError } from './compile-result.ts';

/**
 * Names that would reach an object's prototype instead of the data (`__proto__`, `constructor`, `prototype`): as the
 * node's id, as a key anywhere in its config, and as a name a control step writes into objects (its `writtenNames`:
 * a Transform's field names and removed fields, whose dots create nested objects; a Merge's key).  Names written as
 * `{{ expressions }}` are only known when the node runs; the runtime refuses them there.
 */
export function checkReservedKeys(node: FlowNode): CompileError[] {
  const errors: CompileError[] = [];
  /** `what` names the thing in the message ("the field name"); `name` is what the user wrote. */
  const refuse = (field: string, what: string, name: string, reserved: string) =>
    errors.push({
      code: 'reserved_key',
      nodeId: node.id,
      field,
      message: `Node "${node.id}": ${what} "${name}" ${name === reserved ? 'is' : `uses "${reserved}", which is`} reserved (it names the object prototype, not data); use another name`,
    });

  if (isReservedKey(node.id)) refuse('id', 'the id', node.id, node.id);
  const visit = (value: unknown, field: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, `${field}.${index}`);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (isReservedKey(key)) refuse(`${field}.${key}`, `the key in ${field}`, key, key);
        else visit(item, `${field}.${key}`);
      }
    }
  };
  visit(node.config, 'config');

  for (const written of controlStepFor(node.type)?.writtenNames?.(node.config) ?? []) {
    const { field, what, name } = written;
    if (isTemplate(name)) continue;
    const reserved = written.isPath ? reservedKeyIn(name.split('.')) : isReservedKey(name) ? name : undefined;
    if (reserved !== undefined) refuse(field, what, name, reserved);
  }
  return errors;
}
