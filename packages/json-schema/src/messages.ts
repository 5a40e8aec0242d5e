import type { ErrorObject } from 'ajv';
import { SCHEMA_LIMITS } from './limits.ts';

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
  array: 'a list',
  object: 'an object',
};

const FORMAT_MESSAGES: Record<string, string> = {
  uri: 'must be a full URL, such as https://api.example.com/items',
  url: 'must be a full URL, such as https://api.example.com/items',
  email: 'must be an email address, such as ada@example.com',
  date: 'must be a date, such as 2024-05-01',
  time: 'must be a time, such as 12:30:00Z',
  'date-time': 'must be a date and time, such as 2024-05-01T12:30:00Z',
  hostname: 'must be a host name, such as api.example.com',
  ipv4: 'must be an IPv4 address, such as 192.0.2.1',
  ipv6: 'must be an IPv6 address, such as 2001:db8::1',
  uuid: 'must be a UUID, such as 123e4567-e89b-12d3-a456-426614174000',
};

const quote = (text: string): string =>
  text.length > SCHEMA_LIMITS.maxQuotedChars ? `${text.slice(0, SCHEMA_LIMITS.maxQuotedChars)}…` : text;

/** A value the schema allows, as a user reads it: text as is, anything else as JSON. */
export const describeValue = (value: unknown): string =>
  quote(typeof value === 'string' ? value : JSON.stringify(value));

/** `must be text or empty` from `["string", "null"]` (Ajv joins a list of types with commas). */
function describeTypes(type: unknown): string {
  const names = Array.isArray(type) ? type.map(String) : String(type).split(',');
  return names.map((name) => TYPE_NAMES[name] ?? name).join(' or ');
}

const num = (value: unknown): string => (typeof value === 'number' ? String(value) : '?');

/**
 * What an Ajv error means to a user, without the field name (the caller puts it in front) and never quoting the
 * value checked (it may be a secret), only what the schema allows.
 */
export function describeError(error: ErrorObject, unknownProperty = 'is not a known field'): string {
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'dependentRequired':
      return `is required when ${quote(String(params.property))} is set`;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return unknownProperty;
    case 'type':
      return `must be ${describeTypes(params.type)}`;
    case 'enum':
      return `must be one of ${Array.isArray(params.allowedValues) ? params.allowedValues.map(describeValue).join(', ') : '?'}`;
    case 'const':
      return `must be ${describeValue(params.allowedValue)}`;
    case 'anyOf':
      return 'does not match any of the accepted forms';
    case 'oneOf':
      return params.passingSchemas === null
        ? 'does not match any of the accepted forms'
        : 'matches more than one of the accepted forms';
    case 'not':
      return 'is a form that is not allowed here';
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${num(params.limit)} characters`;
    case 'maxLength':
      return `must be at most ${num(params.limit)} characters`;
    case 'minimum':
      return `must be at least ${num(params.limit)}`;
    case 'maximum':
      return `must be at most ${num(params.limit)}`;
    case 'exclusiveMinimum':
      return `must be greater than ${num(params.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${num(params.limit)}`;
    case 'multipleOf':
      return `must be a multiple of ${num(params.multipleOf)}`;
    case 'minItems':
      return `needs at least ${num(params.limit)} item(s)`;
    case 'maxItems':
      return `allows at most ${num(params.limit)} item(s)`;
    case 'uniqueItems':
      return `must not repeat an item (items ${num(params.j) === '?' ? '?' : Number(params.j) + 1} and ${num(params.i) === '?' ? '?' : Number(params.i) + 1} are the same)`;
    case 'minProperties':
      return `needs at least ${num(params.limit)} field(s)`;
    case 'maxProperties':
      return `allows at most ${num(params.limit)} field(s)`;
    case 'pattern':
      return `must match the pattern ${quote(String(params.pattern))}`;
    case 'format':
      return FORMAT_MESSAGES[String(params.format)] ?? `must be a valid ${quote(String(params.format))}`;
    case 'propertyNames':
      return `has a field name that is not allowed (${quote(String(params.propertyName))})`;
    case 'contains':
      return 'needs an item of the accepted form';
    default:
      return `is not valid ("${error.keyword}")`;
  }
}
