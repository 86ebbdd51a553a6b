export type BroadcastStatus = 'scheduled' | 'sending' | 'completed' | 'cancelled';
export type RecipientStatus = 'pending' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped';

export interface BroadcastProgress {
  total: number;
  pending: number;
  sending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
}

export interface Broadcast {
  id: string;
  name: string;
  channelId: string;
  text: string;
  whatsappTemplate: { name: string; language: string; variables?: string[] } | null;
  segment: { tags?: string[]; fields?: { field: string; operator: string; value?: string }[] };
  sendRatePerSecond: number;
  status: BroadcastStatus;
  scheduledAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  progress: BroadcastProgress;
}

export interface Recipient {
  id: string;
  contactId: string;
  name: string | null;
  status: RecipientStatus;
  reason: string | null;
  messageId: string | null;
}

export interface MessageTemplate {
  name: string;
  language: string;
  sendable: boolean;
  body: string;
  parameters: string[];
  header: { format: string } | null;
}
