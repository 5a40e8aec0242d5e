interface Group {
  /** The group holds a quantifier or an alternation. */
  repeats: boolean;
}

const COUNTED = /^\{(\d+)(,(\d*))?\}/;

/**
 * Whether a `pattern` may backtrack catastrophically on the platform's RegExp: a backreference, or a repeated group
 * that itself repeats or alternates (`(a+)+`, `(a|a)*`, `(\w+\s?)*`). Conservative: some safe patterns are flagged
 * (zod's email pattern), never a risky one of these shapes missed. Polynomial shapes such as `\d*\d*x` are not
 * caught; values are bounded by the request size.
 */
export function patternRisk(pattern: string): boolean {
  const stack: Group[] = [{ repeats: false }];
  /** The atom a quantifier would apply to: a group that repeats inside, or a plain one. */
  let last: 'plain' | 'repeating' | undefined;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index];
    const top = stack.at(-1);
    if (top === undefined) return true;
    if (char === '\\') {
      if (/[1-9k]/.test(pattern[index + 1] ?? '')) return true;
      index += 1;
      last = 'plain';
    } else if (char === '[') {
      index = classEnd(pattern, index);
      last = 'plain';
    } else if (char === '(') {
      stack.push({ repeats: false });
      index = groupBodyStart(pattern, index) - 1;
      last = undefined;
    } else if (char === ')') {
      const group = stack.pop();
      if (group === undefined || stack.length === 0) return true;
      last = group.repeats ? 'repeating' : 'plain';
      const parent = stack.at(-1);
      if (parent && group.repeats) parent.repeats = true;
    } else if (char === '|') {
      top.repeats = true;
      last = undefined;
    } else if (char === '*' || char === '+' || char === '?' || (char === '{' && COUNTED.test(pattern.slice(index)))) {
      const counted = char === '{' ? COUNTED.exec(pattern.slice(index)) : null;
      const once = char === '?' || (counted !== null && counted[2] === undefined) || counted?.[3] === '1';
      if (last === 'repeating' && !once) return true;
      if (counted) index += counted[0].length - 1;
      if (pattern[index + 1] === '?') index += 1;
      top.repeats = true;
      last = undefined;
    } else {
      last = 'plain';
    }
  }
  return stack.length !== 1;
}

/** The index of the `]` closing the class opened at `start` (escapes skipped). */
function classEnd(pattern: string, start: number): number {
  let index = start + 1;
  if (pattern[index] === '^') index += 1;
  if (pattern[index] === ']') index += 1;
  while (index < pattern.length && pattern[index] !== ']') index += pattern[index] === '\\' ? 2 : 1;
  return index;
}

/** Where the body of the group opened at `start` begins, after `?:`, `?=`, `?!`, `?<=`, `?<!` or `?<name>`. */
function groupBodyStart(pattern: string, start: number): number {
  if (pattern[start + 1] !== '?') return start + 1;
  const kind = pattern[start + 2];
  if (kind !== '<') return start + 3;
  const next = pattern[start + 3];
  if (next === '=' || next === '!') return start + 4;
  const close = pattern.indexOf('>', start);
  return close === -1 ? pattern.length : close + 1;
}
