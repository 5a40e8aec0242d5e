/** What the shortcuts overlay lists, in the order a builder meets them.  `mod` is Ctrl, or ⌘ on a Mac. */
export interface ShortcutEntry {
  keys: readonly string[];
  action: string;
}

export interface ShortcutGroup {
  title: string;
  entries: readonly ShortcutEntry[];
}

export const isMacPlatform = (platform: string): boolean => /mac|iphone|ipad/i.test(platform);

export function shortcutGroups(mod: string): ShortcutGroup[] {
  return [
    {
      title: 'Edit',
      entries: [
        { keys: [mod, 'C'], action: 'Copy the selected steps (also into another flow)' },
        { keys: [mod, 'X'], action: 'Cut the selected steps' },
        { keys: [mod, 'V'], action: 'Paste steps' },
        { keys: [mod, 'D'], action: 'Duplicate the selected steps' },
        { keys: ['Delete'], action: 'Delete the selection (also Backspace)' },
        { keys: [mod, 'Z'], action: 'Undo' },
        { keys: [mod, 'Shift', 'Z'], action: `Redo (also ${mod}+Y)` },
        { keys: [mod, 'S'], action: 'Save the draft' },
      ],
    },
    {
      title: 'Select and find',
      entries: [
        { keys: ['Shift', 'drag'], action: 'Select the steps inside a box' },
        { keys: [mod, 'click'], action: 'Add a step to the selection, or take it out' },
        { keys: [mod, 'A'], action: 'Select every step' },
        { keys: [mod, 'F'], action: 'Find a step by name or type and centre it' },
      ],
    },
    {
      title: 'Arrange',
      entries: [
        { keys: ['Shift', 'Alt', 'L'], action: 'Auto-layout the flow, left to right' },
        { keys: ['Align ▾'], action: 'Align 2+ or distribute 3+ selected steps (top bar)' },
      ],
    },
    {
      title: 'Help',
      entries: [
        { keys: ['?'], action: 'Show these shortcuts' },
        { keys: ['Esc'], action: 'Close a dialog or the search' },
      ],
    },
  ];
}
