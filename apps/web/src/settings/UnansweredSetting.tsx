/** What a customer hears when no flow answers and no person has replied yet (sent once per conversation). */
export interface UnansweredChoice {
  enabled?: boolean;
  text?: string | null;
}

/** The default words, as the server writes them from the usual reply time. */
export function defaultUnansweredText(minutes: number | undefined): string {
  if (!minutes || minutes <= 0) return 'Thanks for your message! A person will reply as soon as they can.';
  const within =
    minutes < 60
      ? plural(minutes, 'a minute', 'minutes')
      : minutes < 48 * 60
        ? plural(Math.ceil(minutes / 60), 'an hour', 'hours')
        : plural(Math.ceil(minutes / 1440), 'a day', 'days');
  return `Thanks for your message! We usually reply within ${within}.`;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : `${n} ${many}`);

export function UnansweredSetting({
  value,
  expectedReplyMinutes,
  onChange,
}: {
  value: UnansweredChoice | undefined;
  expectedReplyMinutes: number | undefined;
  onChange: (next: UnansweredChoice) => void;
}) {
  const enabled = value?.enabled ?? true;
  return (
    <>
      <h3>When nothing answers</h3>
      <p className="muted small">
        When no flow answers a message and nobody on your team has replied yet, the conversation shows as “Waiting for a person” in the
        inbox (with a count in the browser tab).
      </p>
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => onChange({ ...value, enabled: e.target.checked })} />
        <span>Tell the customer when to expect a reply (once per conversation)</span>
      </label>
      {enabled && (
        <label className="field">
          <span>Message</span>
          <textarea
            rows={2}
            maxLength={1000}
            placeholder={defaultUnansweredText(expectedReplyMinutes)}
            value={value?.text ?? ''}
            onChange={(e) => onChange({ ...value, text: e.target.value })}
          />
          <span className="muted small">Leave it empty to send the text shown, which follows your usual reply time.</span>
        </label>
      )}
    </>
  );
}
