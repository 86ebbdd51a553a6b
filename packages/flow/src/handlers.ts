/** The node handlers, keyed by type. Server-only; the compiler checks every node type has one. */
import type { NodeConfig, NodeType } from './definitions';
import { addTag } from './nodes/add-tag/handler';
import { aiAgent } from './nodes/ai-agent/handler';
import { aiReply } from './nodes/ai-reply/handler';
import { askQuestion } from './nodes/ask-question/handler';
import { assign } from './nodes/assign/handler';
import { businessHours } from './nodes/business-hours/handler';
import { channelIs } from './nodes/channel-is/handler';
import { compare } from './nodes/compare/handler';
import { conversationOpened } from './nodes/conversation-opened/handler';
import { crm } from './nodes/crm/handler';
import { delay } from './nodes/delay/handler';
import { end } from './nodes/end/handler';
import { faqMatch } from './nodes/faq-match/handler';
import { handoff } from './nodes/handoff/handler';
import { httpRequest } from './nodes/http-request/handler';
import { manual } from './nodes/manual/handler';
import { messageReceived } from './nodes/message-received/handler';
import { note } from './nodes/note/handler';
import { randomSplit } from './nodes/random-split/handler';
import { removeTag } from './nodes/remove-tag/handler';
import { schedule } from './nodes/schedule/handler';
import { sendMessage } from './nodes/send-message/handler';
import { setAttribute } from './nodes/set-attribute/handler';
import { setStatus } from './nodes/set-status/handler';
import { tagAdded } from './nodes/tag-added/handler';
import { textMatch } from './nodes/text-match/handler';
import { webhook } from './nodes/webhook/handler';
import type { NodeHandler } from './types';

export const nodeHandlers = {
  'trigger.message_received': messageReceived,
  'trigger.conversation_opened': conversationOpened,
  'trigger.webhook': webhook,
  'trigger.schedule': schedule,
  'trigger.tag_added': tagAdded,
  'trigger.manual': manual,
  'condition.text_match': textMatch,
  'condition.business_hours': businessHours,
  'condition.compare': compare,
  'condition.channel_is': channelIs,
  'condition.faq_match': faqMatch,
  'condition.random_split': randomSplit,
  'action.send_message': sendMessage,
  'action.ask_question': askQuestion,
  'action.assign': assign,
  'action.handoff': handoff,
  'action.add_tag': addTag,
  'action.remove_tag': removeTag,
  'action.set_attribute': setAttribute,
  'action.set_status': setStatus,
  'action.note': note,
  'action.crm': crm,
  'action.http_request': httpRequest,
  'action.delay': delay,
  'action.ai_reply': aiReply,
  'action.ai_agent': aiAgent,
  'action.end': end,
} satisfies { [T in NodeType]: NodeHandler<NodeConfig<T>> };
