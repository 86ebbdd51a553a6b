/**
 * What an owner calls the details a message can carry: `contact.first_name` is "First name".
 * The canvas shows placeholders as chips with these names; the variable picker lists them.
 */
const known: Record<string, string> = {
  'contact.first_name': 'First name',
  'contact.name': 'Contact name',
  'contact.email': 'Email',
  'contact.phone': 'Phone',
  'message.text': 'Their message',
  'workspace.name': 'Your business name',
  'workspace.hours_text': 'Your opening hours',
  'workspace.reply_time_text': 'Your usual reply time',
  'conversation.id': 'Conversation number',
  'conversation.status': 'Conversation status',
  'conversation.channelType': 'Channel',
};

const words = (s: string) => {
  const spaced = s
    .replace(/[_.-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
};

/** The friendly name of a placeholder path (`vars.order.body` is "Order (answer)"). */
export function variableName(path: string): string {
  const p = path.trim();
  if (known[p]) return known[p];
  let m: RegExpMatchArray | null;
  if ((m = p.match(/^contact\.attributes\.(.+)$/))) return words(m[1]!);
  if ((m = p.match(/^vars\.([^.]+)\.body(?:\.(.+))?$/))) return m[2] ? `${words(m[1]!)}: ${words(m[2])}` : `${words(m[1]!)} (answer)`;
  if ((m = p.match(/^vars\.(.+)$/))) return words(m[1]!);
  if ((m = p.match(/^trigger\.body\.(.+)$/))) return `Sent in: ${words(m[1]!)}`;
  if ((m = p.match(/^contact\.(.+)$/))) return words(m[1]!);
  return words(p);
}

export type TextPart = { text: string } | { variable: string; name: string; source: string };

const placeholder = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** Also a bare path, as summaries name the field a step reads or sets ("contact.email is …"). */
const placeholderOrPath =
  /\{\{\s*([^{}]*?)\s*\}\}|\b((?:contact|vars|message|conversation|workspace|trigger)\.[A-Za-z0-9_.]*[A-Za-z0-9_])/g;

/** The name of what a placeholder holds: a path's friendly name, or a literal's own words. */
function expressionName(expression: string): string {
  const [head = '', ...filters] = expression.split('|').map((p) => p.trim());
  const literal = head.match(/^(['"])(.*)\1$/);
  if (!literal) return head ? variableName(head) : 'Detail';
  const value = literal[2]!;
  if (/^(now|today)$/i.test(value) && filters.some((f) => f.startsWith('date'))) return "Today's date";
  return value;
}

/**
 * Splits text into plain runs and placeholders. A placeholder's path is what comes before a
 * filter (`contact.first_name | default: "there"`); a `{{` left open by a shortened summary is
 * dropped, since half a placeholder means nothing to the owner. With `paths`, bare field paths
 * become chips too.
 */
export function splitPlaceholders(text: string, paths = false): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(paths ? placeholderOrPath : placeholder)) {
    if (m.index! > last) parts.push({ text: text.slice(last, m.index) });
    const expression = (m[1] ?? m[2]!).trim();
    parts.push({ variable: expression.split('|')[0]!.trim(), name: expressionName(expression), source: m[0] });
    last = m.index! + m[0].length;
  }
  let tail = text.slice(last);
  const open = tail.indexOf('{{');
  if (open >= 0) tail = `${tail.slice(0, open).trimEnd()}…`;
  if (tail) parts.push({ text: tail });
  return parts;
}
