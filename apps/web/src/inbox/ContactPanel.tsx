import { api } from '../api/client';
import type { Contact } from '../api/types';
import { Link } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { Loading, Notice } from '../components/Notice';
import { ContactCard } from '../contacts/ContactCard';
import { Timeline } from '../contacts/Timeline';

export function ContactPanel({ contactId }: { contactId: string }) {
  const contact = useAsync(() => api.get<Contact>(`/api/contacts/${contactId}`), [contactId]);
  return (
    <aside className="contact-panel" data-testid="contact-panel">
      <Notice>{contact.error}</Notice>
      {!contact.data && !contact.error && <Loading />}
      {contact.data && <ContactCard contact={contact.data} onChange={contact.setData} />}
      <Timeline contactId={contactId} />
      <Link to={`/contacts/${contactId}`} className="small">
        Open contact →
      </Link>
    </aside>
  );
}
