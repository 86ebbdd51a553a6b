import { api } from '../api/client';
import type { FlowDocument } from '../flow';
import { toast } from '../components/toast';

function slugify(name: string) {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'flow'
  );
}

export function downloadJson(fileName: string, data: unknown) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Downloads the flow file from the server; falls back to the draft on screen. */
export async function downloadExport(id: string, name: string, draft?: FlowDocument) {
  try {
    const file = await api.get<unknown>(`/api/workflows/${id}/export`);
    downloadJson(`${slugify(name)}.json`, file);
  } catch {
    if (!draft) return toast('Could not export this flow.', 'error');
    downloadJson(`${slugify(name)}.json`, { ...draft, name });
  }
}
