/**
 * Swapping a property for a wrapper and putting the identical original back: the one primitive
 * the guards of audit mode and of the I/O boundary are built from.
 *
 * @module
 */

/** Puts one patched property back as it was. */
export type Restore = () => void

/** Replaces `owner[key]` by `make(original)`, returning how to put the exact original back. */
export function patch<O extends object>(
  owner: O,
  key: PropertyKey,
  make: (original: any) => unknown,
): Restore {
  const own = Object.getOwnPropertyDescriptor(owner, key)
  const original = (owner as Record<PropertyKey, unknown>)[key]
  Object.defineProperty(owner, key, {
    value: make(original),
    writable: true,
    enumerable: own?.enumerable ?? false,
    configurable: true,
  })
  return () => {
    if (own === undefined) delete (owner as Record<PropertyKey, unknown>)[key]
    else Object.defineProperty(owner, key, own)
  }
}
