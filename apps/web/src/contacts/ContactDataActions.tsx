import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { Contact } from '../api/types';
import { useSession } from '../auth/session';
import { Modal } from '../components/Modal';
import { Notice } from '../components/Notice';
import { toast } from '../components/toast';
import { navigate } from '../lib/router';

/**
 * Data-protection actions on a contact (admins): download everything held about them, or erase
 * them. Erasure cannot be undone, so the modal asks for the contact's name (or id) first.
 */
export function ContactDataActions({ contact }: { contact: Contact }) {
  const { me } = useSession();
  const [erasing, setErasing] = useState(false);
  if (me.role === 'agent') return null;
  return (
    <>
      {/* A plain link: the server's Content-Disposition makes the browser save the file. */}
      <a className="btn" href={`/api/contacts/${contact.id}/export`} download data-testid="export-contact">
        Export data
      </a>
      <button className="btn btn-danger" onClick={() => setErasing(true)} data-testid="erase-contact">
        Erase contact
      </button>
      {erasing && <EraseModal contact={contact} onClose={() => setErasing(false)} />}
    </>
  );
}

function EraseModal({ contact, onClose }: { contact: Contact; onClose: () => void }) {
  const expected = contact.name?.trim() || contact.id;
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const erase = async () => {
    setBusy(true);
    try {
      await api.post(`/api/contacts/${contact.id}/erase`, { confirm: typed.trim() });
      toast('Contact erased.');
      navigate('/contacts');
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="Erase this contact?" onClose={onClose}>
      <Notice>{error}</Notice>
      <p>
        Every conversation and message (with attachments and notes), the contact's details, identities and timeline are deleted, and their
        running flows are stopped. This cannot be undone. If they write again, they start as a new contact.
      </p>
      <label className="field">
        <span>
          Type <strong>{expected}</strong> to confirm
        </span>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus data-testid="erase-confirm" />
      </label>
      <div className="form-foot">
        <button className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          className="btn btn-primary btn-danger"
          disabled={busy || typed.trim() !== expected}
          onClick={() => void erase()}
          data-testid="erase-submit"
        >
          {busy ? 'Erasing…' : 'Erase permanently'}
        </button>
      </div>
    </Modal>
  );
}
