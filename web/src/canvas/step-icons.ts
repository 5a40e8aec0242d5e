import { CORE_TRANSFORM_TYPE } from '@pipewright/control-steps';
import type { StepManifest } from '@pipewright/step-sdk';

/** A short glyph per step type (known built-ins) or per kind, so nodes and palette items are recognisable. */
const byType: Record<string, string> = {
  'core.webhook': '⚡',
  'core.manual': '▶',
  [CORE_TRANSFORM_TYPE]: 'ƒ',
  'http.request': '⇄',
};

const byKind: Record<StepManifest['kind'], string> = { trigger: '⚡', transform: 'ƒ', action: '◆' };

export function stepIcon(type: string, manifest: Pick<StepManifest, 'kind'> | undefined): string {
  return byType[type] ?? (manifest ? byKind[manifest.kind] : '?');
}
