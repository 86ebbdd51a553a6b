/**
 * LiquidJS rendering of the text fields of a flow, locked down because owners write the
 * templates and customers write the data: no file system (include/render/layout are removed
 * and the template store is empty), no JavaScript, only own properties (so
 * `{{ contact.constructor }}` and `__proto__` print nothing), unknown filters are errors,
 * and parse size, render time and memory are capped.
 */
import { Liquid, type Template } from 'liquidjs';
import type { FlowData } from '../types';
import { hoursText, replyTimeText } from '../text/hours-text';

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export interface TemplateRendererOptions {
  /** Parsed templates kept in the LRU cache (default 500). */
  cacheSize?: number;
  /** Longest template accepted, in characters (default 20000). */
  maxTemplateLength?: number;
  /** Render time cap in ms (default 200). */
  renderLimitMs?: number;
}

export interface TemplateRenderer {
  /**
   * Renders over `data`. `extra` adds names beside it: outbound-call fields pass `secrets`, which
   * no other field has, so a credential cannot reach a message, a note or an attribute.
   */
  render(template: string, data: FlowData, extra?: Record<string, unknown>): Promise<string>;
  /** Parses only; returns a plain-words problem or null. */
  check(template: string): string | null;
}

const FORBIDDEN_TAGS = ['include', 'render', 'layout', 'block'];

/** Liquid sees snake_case helpers beside the camelCase data: `contact.first_name`. */
export function templateScope(data: FlowData): Record<string, unknown> {
  const c = data.contact;
  const firstName = c.firstName ?? c.name?.trim().split(/\s+/)[0] ?? null;
  return {
    contact: { ...c, first_name: firstName || null, firstName: firstName || null },
    conversation: data.conversation,
    message: data.message,
    trigger: data.trigger,
    vars: data.vars,
    workspace: workspaceScope(data.workspace),
  };
}

/**
 * The workspace plus its settings in words (`hours_text`, `reply_time_text`), computed only when
 * a template reads them: most renders never do.
 */
function workspaceScope(ws: FlowData['workspace']) {
  if (!ws) return ws;
  return {
    ...ws,
    get hours_text() {
      return hoursText(ws.businessHours);
    },
    get reply_time_text() {
      return replyTimeText(ws.settings?.expectedReplyMinutes);
    },
  };
}

// Dates (`{{ 'now' | date: '%H:%M' }}`) follow the workspace's time zone, which liquidjs only
// takes as an engine option: one locked-down engine per zone in use, each with its own cache.
const MAX_ZONES = 64;

/** Creates a renderer with its own bounded caches of parsed templates. */
export function createTemplateRenderer(options: TemplateRendererOptions = {}): TemplateRenderer {
  const cacheSize = options.cacheSize ?? 500;
  const maxLength = options.maxTemplateLength ?? 20_000;
  const zones = new Map<string, { engine: Liquid; cache: Map<string, Template[]> }>();

  function zone(timezone: string) {
    let found = zones.get(timezone);
    if (!found) {
      const engine = new Liquid({
        templates: {},
        relativeReference: false,
        strictFilters: true,
        strictVariables: false,
        ownPropertyOnly: true,
        parseLimit: maxLength,
        renderLimit: options.renderLimitMs ?? 200,
        memoryLimit: 1e6,
        cache: false,
        timezoneOffset: timezone,
      });
      for (const tag of FORBIDDEN_TAGS) delete (engine.tags as Record<string, unknown>)[tag];
      found = { engine, cache: new Map() };
      zones.set(timezone, found);
      if (zones.size > MAX_ZONES) zones.delete(zones.keys().next().value as string);
    }
    return found;
  }

  function parse(template: string, timezone: string): { engine: Liquid; parsed: Template[] } {
    const { engine, cache } = zone(timezone);
    // Map keeps insertion order: re-inserting on hit makes the first key the least recently used.
    const hit = cache.get(template);
    if (hit) {
      cache.delete(template);
      cache.set(template, hit);
      return { engine, parsed: hit };
    }
    if (template.length > maxLength) throw new TemplateError(`This text is too long (over ${maxLength} characters).`);
    let parsed: Template[];
    try {
      parsed = engine.parse(template);
    } catch (err) {
      throw new TemplateError(plainMessage(err));
    }
    cache.set(template, parsed);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    return { engine, parsed };
  }

  return {
    async render(template, data, extra) {
      // Plain text is the common case: skip Liquid entirely.
      if (!template.includes('{')) return template;
      const { engine, parsed } = parse(template, data.workspace?.timezone || 'UTC');
      try {
        return String(await engine.render(parsed, extra ? { ...extra, ...templateScope(data) } : templateScope(data)));
      } catch (err) {
        throw new TemplateError(plainMessage(err));
      }
    },
    check(template) {
      try {
        parse(template, 'UTC');
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    },
  };
}

function plainMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const tag = /tag "?(\w+)"? not found/i.exec(message);
  if (tag) return `The placeholder tag "${tag[1]}" is not available here.`;
  const filter = /undefined filter:? (\w+)/i.exec(message);
  if (filter) return `Unknown filter "${filter[1]}" in a placeholder.`;
  if (/limit exceeded/i.test(message)) return 'This text takes too long to fill in; simplify its placeholders.';
  return `A placeholder is broken: ${message.split(', line:')[0]}`;
}
