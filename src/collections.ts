/**
 * `target.push(...items)` passes every item as an argument, and a few hundred thousand of them (a huge list in a
 * hostile checkout) overflow the stack. This appends one by one.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item)
  return target
}
