import type { StoredTemplate } from './sync';

type Component = Record<string, unknown>;

/** What the composer needs of a template: its words, the parameters it asks for and its buttons. */
export interface TemplateView {
  name: string;
  language: string;
  status: string;
  category: string | null;
  /** Only approved templates may be sent. */
  sendable: boolean;
  header: { format: string; text?: string } | null;
  body: string;
  footer: string | null;
  /** The body's parameters in order: `1`, `2`... or the names of a template with named parameters. */
  parameters: string[];
  namedParameters: boolean;
  buttons: { type: string; text: string; index: number }[];
}

const PLACEHOLDER = /\{\{\s*([\w]+)\s*\}\}/g;

const componentOf = (template: StoredTemplate, type: string) =>
  template.components.find((c) => String(c.type).toUpperCase() === type) as Component | undefined;

export function presentTemplate(template: StoredTemplate): TemplateView {
  const header = componentOf(template, 'HEADER');
  const body = String(componentOf(template, 'BODY')?.text ?? '');
  const footer = componentOf(template, 'FOOTER');
  const buttons = (componentOf(template, 'BUTTONS')?.buttons ?? []) as Component[];
  const parameters = [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
  return {
    name: template.name,
    language: template.language,
    status: template.status,
    category: template.category,
    sendable: template.status === 'APPROVED',
    header: header ? { format: String(header.format ?? 'TEXT'), ...(typeof header.text === 'string' && { text: header.text }) } : null,
    body,
    footer: typeof footer?.text === 'string' ? footer.text : null,
    parameters,
    namedParameters: template.parameterFormat === 'NAMED',
    buttons: buttons.map((b, index) => ({ type: String(b.type ?? ''), text: String(b.text ?? ''), index })),
  };
}

/** The body with its parameters filled in: what the inbox shows for a sent template. */
export function renderBody(view: TemplateView, values: string[]): string {
  return view.body.replace(PLACEHOLDER, (whole, key: string) => {
    const i = view.parameters.indexOf(key);
    return i >= 0 && values[i] !== undefined ? values[i]! : whole;
  });
}
