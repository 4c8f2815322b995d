import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '@app/config';

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers?: Record<string, string>;
}

/** SMTP connections kept open by the pool: the fan-out of one event is thousands of mails. */
const SMTP_POOL_CONNECTIONS = 5;

/**
 * The one IO edge to the SMTP server (Nodemailer, pooled connections, from
 * SMTP_URL as MAIL_FROM). `send` resolves once the server accepted the mail
 * and rejects on any failure — connection refused, timeout, recipient
 * refused — so the sender can retry it.
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private transporter: Transporter | null = null;

  constructor(private readonly config: AppConfig) {}

  get configured(): boolean {
    return Boolean(this.config.SMTP_URL);
  }

  async send(mail: OutgoingMail): Promise<void> {
    const transporter = this.connect();
    const info = (await transporter.sendMail({
      from: this.config.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
    })) as {
      rejected?: unknown[];
    };
    if (Array.isArray(info.rejected) && info.rejected.length > 0) throw new Error(`the SMTP server refused the recipient ${String(info.rejected[0])}`);
  }

  onModuleDestroy(): void {
    this.transporter?.close();
    this.transporter = null;
  }

  private connect(): Transporter {
    if (!this.config.SMTP_URL) throw new Error('SMTP_URL is not configured');
    this.transporter ??= createTransport({
      url: this.config.SMTP_URL,
      pool: true,
      maxConnections: SMTP_POOL_CONNECTIONS,
      maxMessages: Infinity,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return this.transporter;
  }
}
