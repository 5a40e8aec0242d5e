import type { FieldDescriptor } from './form-fields.ts';

export interface FieldInputProps {
  field: FieldDescriptor;
  value: unknown;
  disabled: boolean;
  onChange(value: unknown): void;
  onBlur(): void;
}

export const hasTemplate = (text: string) => text.includes('{{');

export const asText = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
