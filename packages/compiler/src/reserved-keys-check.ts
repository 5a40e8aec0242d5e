import { isTemplate } from '@pipewright/expression';
import type { FlowNode } from '@pipewright/flow';
import { isReservedKey, reservedKeyIn } from '@pipewright/step-sdk';
import type { CompileError } from './compile-result.ts';

const TRANSFORM_TYPE = 'core.transform';
const MERGE_TYPE = 'core.merge';

/**
 * Names that would reach an object's prototype instead of the data (`__proto__`, `constructor`, `prototype`): as the
 * node's id, as a key anywhere in its config, as a segment of a Transform's field names and removed fields (dots
 * create nested objects), and as a Merge's key.  Names written as `{{ expressions }}` are only known when the node
 * runs; the runtime refuses them there.
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

  const checkPath = (value: unknown, field: string, what: string) => {
    if (typeof value !== 'string' || isTemplate(value)) return;
    const reserved = reservedKeyIn(value.split('.'));
    if (reserved !== undefined) refuse(field, what, value, reserved);
  };
  if (node.type === TRANSFORM_TYPE) {
    const { fields, remove } = node.config;
    if (Array.isArray(fields)) {
      fields.forEach((entry: unknown, index) => {
        if (entry !== null && typeof entry === 'object' && 'name' in entry) {
          checkPath(entry.name, `config.fields.${index}.name`, 'the field name');
        }
      });
    }
    if (Array.isArray(remove)) {
      remove.forEach((name: unknown, index) => {
        checkPath(name, `config.remove.${index}`, 'the removed field');
      });
    }
  }
  if (node.type === MERGE_TYPE) {
    const { key } = node.config;
    if (typeof key === 'string' && !isTemplate(key) && isReservedKey(key))
      refuse('config.key', 'the key field', key, key);
  }
  return errors;
}
