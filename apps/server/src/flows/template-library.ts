import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const templatesDir = fileURLToPath(new URL('../../../../templates', import.meta.url));

export interface TemplateFile {
  slug: string;
  name: string;
  description: string;
  category: string;
  requires: unknown[];
  document: Record<string, unknown>;
}

let cached: TemplateFile[] | undefined;

/** The bundled templates (templates/*.json), read once per process. */
export function loadTemplates(dir = templatesDir): TemplateFile[] {
  if (cached && dir === templatesDir) return cached;
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    files = [];
  }
  const templates = files.map((file) => {
    const document = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Record<string, unknown>;
    return {
      slug: String(document.slug ?? file.replace(/\.json$/, '')),
      name: String(document.name ?? file),
      description: String(document.description ?? ''),
      category: String(document.category ?? 'General'),
      requires: Array.isArray(document.requires) ? document.requires : [],
      document,
    };
  });
  if (dir === templatesDir) cached = templates;
  return templates;
}
