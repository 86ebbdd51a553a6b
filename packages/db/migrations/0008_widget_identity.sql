-- Contacts are matched on normalized email (lower-case) and phone (E.164). Bring existing rows to
-- that form so selectors and channel merges find them; a phone that is not in international form is
-- left as it is (it needs a country to be read, and matches nothing until someone fixes it).
update contacts set email = lower(btrim(email)) where email is not null and email <> lower(btrim(email));
--> statement-breakpoint
update contacts set phone = regexp_replace(phone, '[^0-9+]', '', 'g')
where phone ~ '^\s*\+' and phone ~ '[^0-9+]' and phone !~ '\(0\)';
