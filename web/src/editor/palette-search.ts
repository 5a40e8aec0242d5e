import type { StepManifest } from '@pipewright/step-sdk';

export interface PaletteGroup {
  category: string;
  steps: StepManifest[];
}

const CATEGORY_ORDER = ['Triggers', 'Transform', 'Actions'];

/** Filters by title, type, description and keywords (every word must match), grouped by category. */
export function groupPalette(steps: Iterable<StepManifest>, query: string): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map<string, StepManifest[]>();
  for (const step of steps) {
    const haystack = [step.title, step.type, step.description, ...step.keywords].join(' ').toLowerCase();
    if (!words.every((word) => haystack.includes(word))) continue;
    const list = groups.get(step.category) ?? [];
    list.push(step);
    groups.set(step.category, list);
  }
  const rank = (category: string) => {
    const index = CATEGORY_ORDER.indexOf(category);
    return index === -1 ? CATEGORY_ORDER.length : index;
  };
  return [...groups.entries()]
    .map(([category, list]) => ({ category, steps: list.sort((a, b) => a.title.localeCompare(b.title)) }))
    .sort((a, b) => rank(a.category) - rank(b.category) || a.category.localeCompare(b.category));
}
