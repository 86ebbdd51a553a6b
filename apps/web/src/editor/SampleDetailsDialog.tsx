import { Modal } from '../components/Modal';
import { Icon } from '../components/Icon';

/** A template detail still holding its sample, as the publish route lists it. */
export interface SampleDetail {
  nodeId: string;
  field: string;
  label: string;
}

/**
 * Publishing was stopped because the flow still holds the template's sample details (someone
 * else's prices, delivery terms): one line per detail opens its step; the owner may still
 * publish anyway.
 */
export function SampleDetailsDialog({
  items,
  onPick,
  onPublishAnyway,
  onClose,
}: {
  items: SampleDetail[];
  onPick: (item: SampleDetail) => void;
  onPublishAnyway: () => void;
  onClose: () => void;
}) {
  return (
    <Modal title="Still sample details" onClose={onClose}>
      <p>
        This flow still says what the template says in {items.length === 1 ? 'one place' : `${items.length} places`}. Customers would read
        those sample details as yours. Click one to change it.
      </p>
      <ul className="issues" aria-label="Sample details left">
        {items.map((item) => (
          <li key={`${item.nodeId}:${item.field}`}>
            <button type="button" className="issue issue-warning" onClick={() => onPick(item)}>
              <Icon name="pencil" />
              <span>{item.label}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="form-foot">
        <button type="button" className="btn" onClick={onPublishAnyway}>
          Publish anyway
        </button>
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Go back and edit
        </button>
      </div>
    </Modal>
  );
}
