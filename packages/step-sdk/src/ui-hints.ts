/** Per-field hints for the generated inspector form, kept apart from the data schema. */
export interface FieldUiHint {
  label?: string;
  help?: string;
  placeholder?: string;
  /**
   * `expression` fields accept `{{ … }}` templates and get a preview; `custom`: the app renders this field with an
   * editor of its own, and the generated form leaves it out.
   */
  widget?:
    | 'text'
    | 'textarea'
    | 'code'
    | 'expression'
    | 'select'
    | 'keyValue'
    | 'fieldList'
    | 'number'
    | 'toggle'
    | 'custom';
  /**
   * For a `code` widget: the language of the text, which the editor highlights (and which is not a `{{ … }}`
   * template).  Without it a code field is multi-line text with expressions (JSON, SQL, a message body).
   */
  language?: 'javascript';
  order?: number;
}
