/** Per-field hints for the generated inspector form, kept apart from the data schema. */
export interface FieldUiHint {
  label?: string;
  help?: string;
  placeholder?: string;
  /** `expression` fields accept `{{ … }}` templates and get a preview. */
  widget?: 'text' | 'textarea' | 'code' | 'expression' | 'select' | 'keyValue' | 'fieldList' | 'number' | 'toggle';
  order?: number;
}
