import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { textOr } from '../summary-text';

export const WhatsappTemplate = z.object({
  name: z.string().min(1, 'Give the approved template name.').describe('Approved template name'),
  language: z.string().min(2, 'Give the template language, e.g. en_US.').describe('Template language code, e.g. en_US'),
  variables: z.array(z.string()).optional().describe('Values for {{1}}, {{2}}, ... (placeholders allowed)'),
  parameterNames: z
    .array(z.string().max(100))
    .max(20)
    .optional()
    .describe('Names of the body parameters, in the order of the values (templates with named parameters)'),
  headerMedia: z
    .object({
      type: z.enum(['image', 'video', 'document']),
      link: z
        .string()
        .min(1, "Give the link of the template's header picture, video or document.")
        .max(2000)
        .describe('Header link (placeholders allowed)'),
    })
    .optional()
    .describe("The header's picture, video or document, for a template whose header is media"),
  buttons: z
    .array(
      z.object({
        subType: z.enum(['quick_reply', 'url']),
        index: z.number().int().min(0).max(9),
        value: z.string().max(2000).describe("A quick reply's payload or a link button's ending (placeholders allowed)"),
      }),
    )
    .max(10)
    .optional()
    .describe("Values for the template's buttons"),
});
export type WhatsappTemplate = z.infer<typeof WhatsappTemplate>;

export const SendMessageConfig = z.object({
  text: z.string().min(1, 'This step needs a message.').max(4096, 'Keep the message under 4096 characters.').describe('Message'),
  mediaUrl: z.string().optional().describe('Image or file link to attach'),
  attachments: z
    .array(z.string().max(2000))
    .max(9, 'Attach at most 10 files.')
    .optional()
    .describe('More files to attach (web links, or files uploaded here)'),
  qrCode: z
    .string()
    .max(1000, 'Keep the QR code text under 1000 characters.')
    .optional()
    .describe('Text to send as a QR code picture (a booking code, a boarding pass)'),
  location: z
    .object({
      latitude: z.number().min(-90).max(90).describe('Latitude'),
      longitude: z.number().min(-180).max(180).describe('Longitude'),
      name: z.string().max(100).optional().describe('Place name'),
      address: z.string().max(200).optional().describe('Address'),
    })
    .optional()
    .describe('A place: a location message on WhatsApp and Telegram, a map link elsewhere'),
  quickReplies: z
    .array(z.string().min(1).max(20, 'Keep buttons under 20 characters.'))
    .max(10, 'Use at most 10 buttons.')
    .optional()
    .describe('Buttons the customer can tap'),
  whatsappTemplate: WhatsappTemplate.optional().describe('WhatsApp template used when the customer last wrote more than 24 hours ago'),
});
export type SendMessageConfig = z.infer<typeof SendMessageConfig>;

export const sendMessageDefinition = defineNode({
  type: 'action.send_message',
  kind: 'action',
  label: 'Send message',
  icon: 'send',
  description: 'Sends a message, with an optional picture or file and buttons. Use {{ contact.first_name }} and other placeholders.',
  config: SendMessageConfig,
  outputs: [NEXT],
  defaults: { text: '' },
  fields: {
    text: { widget: 'template' },
    mediaUrl: { widget: 'template', placeholder: 'https://…' },
    attachments: { widget: 'list' },
    qrCode: { widget: 'template' },
    quickReplies: { widget: 'list' },
    whatsappTemplate: { widget: 'whatsapp-template' },
  },
  sendsToCustomer: true,
  templateField: 'whatsappTemplate',
  summary: (c) => textOr(c.text, 'Write the text'),
});
