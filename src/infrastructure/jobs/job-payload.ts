/**
 * Why `value` would not come back unchanged from `JSON.parse(JSON.stringify(value))`, or null
 * when it would: job payloads are stored as JSON in Redis (BullMQ), so a Date, an ObjectId or any
 * other class instance would come back as a string or a bare object. The path names the first
 * offending field (`$.video.createdAt: a Date`).
 */
export function jsonPayloadProblem(value: unknown, path = '$', depth = 0): string | null {
  if (depth > 32) return `${path}: nested too deeply`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number')
    return Number.isFinite(value) ? null : `${path}: ${value} is not a JSON number`;
  if (typeof value !== 'object') return `${path}: a ${typeof value}`;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = jsonPayloadProblem(value[index], `${path}[${index}]`, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  }
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'an object';
    return `${path}: a ${name}`;
  }
  for (const [field, item] of Object.entries(value)) {
    // `undefined` fields vanish from JSON; the handler sees them missing, which reads the same.
    if (item === undefined) continue;
    const problem = jsonPayloadProblem(item, `${path}.${field}`, depth + 1);
    if (problem !== null) return problem;
  }
  return null;
}
