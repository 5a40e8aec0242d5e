export interface ContractViolationView {
  path: string;
  message: string;
}

/** The violations a flagged webhook delivery carried in its trigger output (`contract: { valid: false, … }`). */
export function violationsOf(output: unknown): ContractViolationView[] | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  const contract: unknown = Object.getOwnPropertyDescriptor(output, 'contract')?.value;
  if (typeof contract !== 'object' || contract === null) return undefined;
  if (Object.getOwnPropertyDescriptor(contract, 'valid')?.value !== false) return undefined;
  const list: unknown = Object.getOwnPropertyDescriptor(contract, 'violations')?.value;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const path: unknown = Object.getOwnPropertyDescriptor(item, 'path')?.value;
    const message: unknown = Object.getOwnPropertyDescriptor(item, 'message')?.value;
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
}
