/** Reading dotted paths (`contact.attributes.plan`) out of flow data, own properties only. Browser-safe. */

export function readPath(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Reads a field of the flow data, with `contact.first_name` as a convenience alias. */
export function readField(data: object, path: string): unknown {
  if (path === 'contact.first_name' || path === 'contact.firstName') {
    const contact = (data as { contact?: { firstName?: string | null; name?: string | null } }).contact;
    return contact?.firstName ?? contact?.name?.trim().split(/\s+/)[0] ?? null;
  }
  return readPath(data, path);
}
