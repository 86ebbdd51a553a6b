-- An erased contact keeps its row (runs and the audit log point at it) with every personal field
-- cleared; erased_at says when, and the inbox treats it as deleted.
alter table contacts add column erased_at timestamptz;
--> statement-breakpoint
-- Whatever path writes to contacts, an erased one never holds personal fields again. NOT VALID
-- skips scanning the table: every existing row has erased_at null, so it holds already.
alter table contacts add constraint contacts_erased_holds_nothing
  check (erased_at is null or (name is null and email is null and phone is null and attributes = '{}'::jsonb and tags = '{}'::text[])) not valid;
--> statement-breakpoint
-- The audit log records which fields changed, never their values: rows written before this rule
-- keep only their key names (and the names already listed under "fields").
update audit_log set data = jsonb_build_object('fields', coalesce((
  select jsonb_agg(distinct names.name order by names.name)
  from (
    select jsonb_array_elements_text(case when jsonb_typeof(audit_log.data->'fields') = 'array' then audit_log.data->'fields' else '[]'::jsonb end) as name
    union
    select k.key from jsonb_object_keys(audit_log.data) as k(key) where k.key <> 'fields'
  ) as names
), '[]'::jsonb))
where audit_log.data - 'fields' <> '{}'::jsonb
   or (audit_log.data ? 'fields' and jsonb_typeof(audit_log.data->'fields') <> 'array');
