/**
 * Channels without buttons (SMS, email, free-form Twilio WhatsApp) get quick replies as a numbered
 * list under the text, so the customer can answer with the number or the words.
 */
export function withChoicesAsText(text: string, choices: readonly string[] | undefined): string {
  if (!choices?.length) return text;
  const list = choices.map((choice, i) => `${i + 1}. ${choice}`).join('\n');
  return text ? `${text}\n\n${list}` : list;
}
