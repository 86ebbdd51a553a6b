import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withSamples, type Requirement } from '@switchboard/flow';

export const templatesDir = fileURLToPath(new URL('../../../../templates', import.meta.url));

export interface TemplateFile {
  slug: string;
  name: string;
  description: string;
  category: string;
  requires: Requirement[];
  document: Record<string, unknown>;
}

let cached: TemplateFile[] | undefined;

/** The bundled templates (templates/*.json), read once per process. */
export function loadTemplates(dir = templatesDir): TemplateFile[] {
  if (cached && dir === templatesDir) return cached;
  let files: string[] = [];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    files = [];
  }
  const templates = files.map((file) => {
    const raw = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Record<string, unknown>;
    // Placeholders carry their sample (the value the file ships with), so "done" means "changed".
    const requires = withSamples(Array.isArray(raw.nodes) ? raw.nodes : [], Array.isArray(raw.requires) ? raw.requires : []);
    const document: Record<string, unknown> = { ...raw, requires };
    return {
      slug: String(raw.slug ?? file.replace(/\.json$/, '')),
      name: String(raw.name ?? file),
      description: String(raw.description ?? ''),
      category: String(raw.category ?? 'General'),
      requires,
      document,
    };
  });
  if (dir === templatesDir) cached = templates;
  return templates;
}
