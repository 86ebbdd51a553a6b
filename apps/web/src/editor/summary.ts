/** One line under a node's title saying what it does, in the owner's words. */
const cut = (s: string, n = 70) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : '');

export function summarize(type: string, c: Record<string, unknown>): string {
  switch (type) {
    case 'trigger.message_received': {
      const kw = list(c.keywords);
      return kw ? `When a message mentions: ${cut(kw, 50)}` : c.firstMessageOnly ? 'When a new conversation starts' : 'When any message arrives';
    }
    case 'trigger.schedule':
      return c.cron ? `On schedule: ${String(c.cron)}` : 'Set when it runs';
    case 'trigger.tag_added':
    case 'action.add_tag':
    case 'action.remove_tag':
      return list(c.tags) || 'Choose tags';
    case 'condition.text_match':
      return Array.isArray(c.cases) ? cut(c.cases.map((k: { id?: string; values?: string[] }) => `${k.id}: ${(k.values ?? []).join(', ') || '…'}`).join(' · ')) : '';
    case 'condition.compare':
      return c.field ? cut(`${String(c.field)} ${String(c.operator ?? '')} ${c.value === undefined ? '' : String(c.value)}`) : 'Choose a field';
    case 'condition.random_split':
      return `${String(c.percent ?? 50)}% go to A`;
    case 'action.send_message':
    case 'action.ask_question':
    case 'action.note':
      return typeof c.text === 'string' && c.text ? cut(c.text) : 'Write the text';
    case 'action.delay':
      return `Wait ${String(c.minutes ?? '?')} min`;
    case 'action.assign':
      return c.to === 'unassign' ? 'Unassign' : `To ${String(c.to ?? '…')}${c.strategy ? ` (${String(c.strategy).replace('_', ' ')})` : ''}`;
    case 'action.set_attribute':
      return c.field ? cut(`${String(c.field)} = ${String(c.value ?? '')}`) : 'Choose a field';
    case 'action.http_request':
      return cut(`${String(c.method ?? 'GET')} ${String(c.url ?? '')}`);
    case 'action.set_status':
      return [c.status, c.priority].filter(Boolean).join(' · ');
    case 'action.crm':
      return String(c.operation ?? '').replace(/_/g, ' ');
    case 'action.handoff':
      return typeof c.text === 'string' && c.text ? cut(c.text) : 'Pass to a person';
    default:
      return '';
  }
}
