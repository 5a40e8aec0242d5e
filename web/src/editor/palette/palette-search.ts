import type { StepManifest } from '@pipewright/step-sdk';

export interface PaletteGroup {
  /** The category, or the package name for steps of a published package. */
  category: string;
  steps: StepManifest[];
  /** Set for a published package's group: its name, version and whether a worker serves it now. */
  package?: { name: string; version: string; live: boolean };
}

const CATEGORY_ORDER = ['Triggers', 'Transform', 'Actions'];

/**
 * Filters by title, type, description, keywords and package name (every word must match), grouped by category;
 * steps of published packages are grouped under their package, after the built-in categories.
 */
export function groupPalette(steps: Iterable<StepManifest>, query: string): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map<string, StepManifest[]>();
  const packages = new Map<string, PaletteGroup>();
  for (const step of steps) {
    const haystack = [step.title, step.type, step.description, ...step.keywords, step.package?.name ?? '']
      .join(' ')
      .toLowerCase();
    if (!words.every((word) => haystack.includes(word))) continue;
    if (step.package) {
      const { name, version, live } = step.package;
      const group = packages.get(name) ?? { category: name, steps: [], package: { name, version, live } };
      group.steps.push(step);
      packages.set(name, group);
      continue;
    }
    const list = groups.get(step.category) ?? [];
    list.push(step);
    groups.set(step.category, list);
  }
  const packageGroups = [...packages.values()]
    .map((group) => ({ ...group, steps: group.steps.sort((a, b) => a.title.localeCompare(b.title)) }))
    .sort((a, b) => a.category.localeCompare(b.category));
  const rank = (category: string) => {
    const index = CATEGORY_ORDER.indexOf(category);
    return index === -1 ? CATEGORY_ORDER.length : index;
  };
  return [...groups.entries()]
    .map(([category, list]) => ({ category, steps: list.sort((a, b) => a.title.localeCompare(b.title)) }))
    .sort((a, b) => rank(a.category) - rank(b.category) || a.category.localeCompare(b.category))
    .concat(packageGroups);
}
