import { z } from 'zod';

export const SmtpSettings = z.object({
  host: z.string().trim().min(1),
  port: z.number().int().min(1).max(65535),
  /** TLS from the first byte (port 465); false means STARTTLS when the server offers it. */
  secure: z.boolean(),
  user: z.string().optional(),
  pass: z.string().optional(),
});
export type SmtpSettings = z.infer<typeof SmtpSettings>;

/**
 * One flat object whatever the provider, so a form can switch provider without losing fields;
 * the refinement below names what each provider needs.
 */
export const EmailConfig = z
  .object({
    provider: z.enum(['mailgun', 'sendgrid', 'smtp']),
    /** Mailgun sending domain. */
    domain: z.string().trim().min(1).optional(),
    /** Mailgun or SendGrid API key. */
    apiKey: z.string().trim().min(1).optional(),
    /** Mailgun HTTP webhook signing key. */
    signingKey: z.string().trim().min(1).optional(),
    /** `Bakery <hello@bakery.example>` or a bare address. */
    fromAddress: z.string().trim().min(3),
    smtp: SmtpSettings.optional(),
    /** Secret `?secret=` on the inbound URL, for SendGrid Inbound Parse (which signs nothing). */
    inboundSecret: z.string().min(16).optional(),
    baseUrl: z.url().optional(),
  })
  .superRefine((config, ctx) => {
    const need = (field: keyof typeof config, why: string) => {
      if (config[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: why });
    };
    if (config.provider === 'mailgun') {
      need('domain', 'Mailgun needs the sending domain');
      need('apiKey', 'Mailgun needs an API key');
      need('signingKey', 'Mailgun needs the webhook signing key to check inbound mail');
    } else if (config.provider === 'sendgrid') {
      need('apiKey', 'SendGrid needs an API key');
    } else {
      need('smtp', 'SMTP needs host, port and credentials');
    }
  });
export type EmailConfig = z.infer<typeof EmailConfig>;
