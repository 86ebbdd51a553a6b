import { z } from 'zod';
import { sql, type SQL } from 'drizzle-orm';

const BUILT_IN_FIELDS = { name: sql`c.name`, email: sql`c.email`, phone: sql`c.phone` } as const;

/** `name`, `email`, `phone` or `attributes.<key>`. */
const FieldPath = z
  .string()
  .trim()
  .max(120)
  .regex(/^(name|email|phone|attributes\.[\w.-]{1,100})$/, 'Use name, email, phone or attributes.<key>');

export const SegmentInput = z
  .object({
    /** Contacts carrying every one of these tags. */
    tags: z.array(z.string().trim().min(1).max(64)).max(20).optional(),
    /** And matching every filter. */
    fields: z
      .array(
        z
          .object({ field: FieldPath, operator: z.enum(['eq', 'neq', 'contains', 'exists']), value: z.string().max(500).optional() })
          .strict(),
      )
      .max(20)
      .optional(),
  })
  .strict();
export type SegmentInput = z.infer<typeof SegmentInput>;

function fieldValue(path: string): SQL {
  if (path.startsWith('attributes.')) return sql`(c.attributes ->> ${path.slice('attributes.'.length)})`;
  return BUILT_IN_FIELDS[path as keyof typeof BUILT_IN_FIELDS];
}

/** The segment as a condition over contacts aliased `c` (every value a bound parameter). */
export function segmentCondition(segment: SegmentInput): SQL {
  const parts: SQL[] = [sql`true`];
  if (segment.tags?.length) parts.push(sql`c.tags @> array(select jsonb_array_elements_text(${JSON.stringify(segment.tags)}::jsonb))`);
  for (const filter of segment.fields ?? []) {
    const value = fieldValue(filter.field);
    const given = filter.value ?? '';
    if (filter.operator === 'exists') parts.push(sql`coalesce(${value}, '') <> ''`);
    else if (filter.operator === 'eq') parts.push(sql`lower(${value}) = lower(${given})`);
    else if (filter.operator === 'neq') parts.push(sql`lower(${value}) is distinct from lower(${given})`);
    else parts.push(sql`strpos(lower(${value}), lower(${given})) > 0`);
  }
  return sql.join(parts, sql` and `);
}

/**
 * Contacts of the workspace in the segment who have an address on the channel: the audience. No
 * cap: a broadcast reaches everyone it names, at the channel's pace.
 */
export const audienceQuery = (workspaceId: string, channelId: string, segment: SegmentInput) => sql`
  select c.id from contacts c
  where c.workspace_id = ${workspaceId} and c.deleted_at is null and c.erased_at is null
    and exists (select 1 from contact_identities ci where ci.contact_id = c.id and ci.channel_id = ${channelId})
    and ${segmentCondition(segment)}`;
