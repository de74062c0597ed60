/**
 * No DTO nests deeper than a few levels, and class-transformer walks a body recursively: a
 * 3 KB body of 1,500 nested arrays exhausts its stack. Bodies are refused well before that.
 */
export const JSON_MAX_DEPTH = 32;

/**
 * Whether a parsed JSON value nests objects or arrays more than `max` levels deep (a scalar is
 * level 0, `{}` and `[]` level 1). Iterative, so the check itself cannot run out of stack.
 */
export function exceedsJsonDepth(value: unknown, max: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > max) return true;
    for (const child of Object.values(item.value)) pending.push({ value: child, depth });
  }
  return false;
}
