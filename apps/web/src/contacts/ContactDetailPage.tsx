import { api } from '../api/client';
import type { Contact } from '../api/types';
import { contactName } from '../lib/format';
import { Link } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { Loading, Notice } from '../components/Notice';
import { PageHeader } from '../components/PageHeader';
import { ContactCard } from './ContactCard';
import { ContactDataActions } from './ContactDataActions';
import { Timeline } from './Timeline';

export function ContactDetailPage({ id }: { id: string }) {
  const contact = useAsync(() => api.get<Contact>(`/api/contacts/${id}`), [id]);
  return (
    <div className="page">
      <Link to="/contacts" className="btn-link">
        ← Contacts
      </Link>
      <PageHeader
        title={contact.data ? contactName(contact.data) : 'Contact'}
        actions={contact.data && <ContactDataActions contact={contact.data} />}
      />
      <Notice>{contact.error}</Notice>
      {!contact.data && !contact.error && <Loading />}
      {contact.data && (
        <div className="two-col">
          <div className="panel">
            <ContactCard contact={contact.data} onChange={contact.setData} />
          </div>
          <div className="panel">
            <Timeline contactId={id} />
          </div>
        </div>
      )}
    </div>
  );
}
