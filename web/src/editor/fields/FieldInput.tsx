import { FieldListFieldInput } from './FieldListFieldInput.tsx';
import type { FieldInputProps } from './field-props.ts';
import { JsonFieldInput } from './JsonFieldInput.tsx';
import { KeyValueFieldInput } from './KeyValueFieldInput.tsx';
import { ObjectListFieldInput } from './ObjectListFieldInput.tsx';
import { StringListFieldInput } from './StringListFieldInput.tsx';
import { TextFieldInput } from './TextFieldInput.tsx';

/** Picks the widget for one generated form field. */
export function FieldInput(props: FieldInputProps) {
  const { field, value, disabled, onChange, onBlur } = props;
  const testId = `field-${field.name}`;
  switch (field.kind) {
    case 'text':
    case 'expression':
      return <TextFieldInput {...props} multiline={false} />;
    case 'textarea':
      return <TextFieldInput {...props} multiline />;
    case 'select':
      return (
        <select
          id={testId}
          data-testid={testId}
          className="input"
          value={value === undefined ? '' : String(value)}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}
        >
          {value === undefined && <option value="">Choose…</option>}
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
    case 'toggle':
      return (
        <input
          id={testId}
          data-testid={testId}
          type="checkbox"
          className="checkbox"
          checked={value === true}
          disabled={disabled}
          onChange={(event) => onChange(event.target.checked)}
        />
      );
    case 'number':
      return (
        <input
          id={testId}
          data-testid={testId}
          type="number"
          className="input"
          value={typeof value === 'number' ? value : ''}
          disabled={disabled}
          onBlur={onBlur}
          onChange={(event) => onChange(event.target.value === '' ? undefined : Number(event.target.value))}
        />
      );
    case 'keyValue':
      return <KeyValueFieldInput {...props} />;
    case 'fieldList':
      return <FieldListFieldInput {...props} />;
    case 'objectList':
      return <ObjectListFieldInput {...props} />;
    case 'stringList':
      return <StringListFieldInput {...props} />;
    case 'json':
      return <JsonFieldInput {...props} />;
  }
}
