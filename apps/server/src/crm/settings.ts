/** The workspace's CRM settings (settings.crm): whether to push each resolved conversation, and where. */
export interface CrmSettings {
  logTranscriptOnResolve?: boolean;
  /** The generic CRM webhook that resolved conversations go to (signed; see webhook.ts). */
  webhookUrl?: string;
}

export function crmSettingsOf(settings: Record<string, unknown>): CrmSettings {
  const crm = settings.crm;
  return crm && typeof crm === 'object' ? (crm as CrmSettings) : {};
}

/** Applies a PATCH: given keys replace, a null webhookUrl removes it. */
export function mergeCrmSettings(
  current: unknown,
  patch: { logTranscriptOnResolve?: boolean | undefined; webhookUrl?: string | null | undefined },
): CrmSettings {
  const next: CrmSettings = { ...(current && typeof current === 'object' ? (current as CrmSettings) : {}) };
  if (patch.logTranscriptOnResolve !== undefined) next.logTranscriptOnResolve = patch.logTranscriptOnResolve;
  if (patch.webhookUrl === null) delete next.webhookUrl;
  else if (patch.webhookUrl !== undefined) next.webhookUrl = patch.webhookUrl;
  return next;
}
