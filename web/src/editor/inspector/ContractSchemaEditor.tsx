import { checkContractSchema } from '@pipewright/contracts';
import { useSyncedDraft } from '../fields/useSyncedDraft.ts';

interface ContractSchemaEditorProps {
  value: unknown;
  disabled: boolean;
  onChange(schema: unknown): void;
  onBlur(): void;
}

const toText = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value, null, 2));
/** The text's JSON, undefined when blank, or the text itself when it is not JSON (never stored). */
const fromText = (text: string): unknown => {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * The contract's JSON Schema as text, checked as you type with the same code the server publishes with
 * (@pipewright/contracts): JSON that parses is stored (a draft may hold a schema with a problem; publishing refuses
 * it); text that is not JSON yet stays here until it is.
 */
export function ContractSchemaEditor({ value, disabled, onChange, onBlur }: ContractSchemaEditorProps) {
  const [text, setText] = useSyncedDraft(value, toText, fromText);
  const feedback = describe(text);
  return (
    <div className="form-row">
      <label htmlFor="contract-schema">JSON Schema of the body</label>
      <textarea
        id="contract-schema"
        data-testid="contract-schema"
        className="input mono"
        rows={10}
        spellCheck={false}
        value={text}
        disabled={disabled}
        placeholder='{ "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id"] }'
        onBlur={onBlur}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          const parsed = fromText(next);
          if (typeof parsed !== 'string') onChange(parsed);
        }}
      />
      {feedback && (
        <p className={feedback.ok ? 'help' : 'field-error'} data-testid="contract-schema-feedback">
          {feedback.message}
        </p>
      )}
    </div>
  );
}

function describe(text: string): { ok: boolean; message: string } | undefined {
  if (text.trim() === '') return undefined;
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON yet: ${error instanceof Error ? error.message : String(error)}` };
  }
  const problem = checkContractSchema(schema);
  if (problem) return { ok: false, message: `${problem.path}: ${problem.message}` };
  return { ok: true, message: 'A valid contract.' };
}
