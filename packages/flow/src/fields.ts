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

/**
 * Where a flow's write to a contact field lands. Whatever a flow saves came from the conversation
 * (an answer, a webhook body), so an email or phone it saves is what someone typed: it is kept as
 * `contact.attributes.typed_email` / `typed_phone`, never in `contact.email` / `contact.phone`,
 * which hold only verified values that selectors match and CRM pushes send.
 */
export function unverifiedField(field: string): string {
  if (field === 'contact.email') return 'contact.attributes.typed_email';
  if (field === 'contact.phone') return 'contact.attributes.typed_phone';
  return field;
}
