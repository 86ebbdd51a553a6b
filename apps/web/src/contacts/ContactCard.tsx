import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { Contact } from '../api/types';
import { contactName, initials } from '../lib/format';
import { ListInput } from '../editor/form/ListInput';
import { toast } from '../components/toast';

/** Name, details, custom attributes and tags of a contact, editable in place. */
export function ContactCard({ contact, onChange }: { contact: Contact; onChange: (c: Contact) => void }) {
  const [newKey, setNewKey] = useState('');
  const [newValue, setNewValue] = useState('');
  const patch = async (body: Partial<Contact>) => {
    try {
      onChange(await api.patch<Contact>(`/api/contacts/${contact.id}`, body));
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  // What a visitor typed into the chat is shown apart, marked unverified: it may be anyone's.
  const { typed_email: typedEmail, typed_phone: typedPhone, ...rest } = contact.attributes ?? {};
  const attrs = Object.entries(rest);
  return (
    <div className="contact-card" data-testid="contact-card">
      <div className="contact-id">
        <div className="avatar">{initials(contactName(contact))}</div>
        <div>
          <strong>{contactName(contact)}</strong>
          {contact.email && <div className="small muted">{contact.email}</div>}
          {contact.phone && <div className="small muted">{contact.phone}</div>}
          {[typedEmail, typedPhone].map((typed) =>
            typeof typed === 'string' && typed ? (
              <div key={typed} className="small muted" data-testid="typed-detail" title="Typed by the visitor; not verified">
                {typed} <span className="badge">unverified</span>
              </div>
            ) : null,
          )}
        </div>
      </div>
      <h4>Tags</h4>
      <ListInput path="contact-tags" value={contact.tags ?? []} onChange={(tags) => void patch({ tags })} placeholder="Add a tag" />
      <h4>Details</h4>
      {attrs.length === 0 && <p className="muted small">Nothing saved yet. Answers the bot collects appear here.</p>}
      <dl className="attrs">
        {attrs.map(([k, v]) => (
          <div key={k}>
            <dt>{k.replace(/_/g, ' ')}</dt>
            <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
          </div>
        ))}
      </dl>
      <form
        className="attr-add"
        onSubmit={(e) => {
          e.preventDefault();
          if (!newKey.trim()) return;
          void patch({ attributes: { ...contact.attributes, [newKey.trim()]: newValue } });
          setNewKey('');
          setNewValue('');
        }}
      >
        <input placeholder="Detail (e.g. birthday)" value={newKey} onChange={(e) => setNewKey(e.target.value)} />
        <input placeholder="Value" value={newValue} onChange={(e) => setNewValue(e.target.value)} />
        <button className="btn btn-small">Add</button>
      </form>
    </div>
  );
}
