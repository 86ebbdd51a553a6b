import type { WidgetLook } from './webchat';

/**
 * A small, faithful copy of the website bubble (apps/widget) with the settings being edited, so the
 * owner sees a change before saving. The real widget runs on the preview page. The app's own
 * security policy loads no pictures from other sites, so the avatar is stood in for by an initial.
 */
export function WidgetPreview({ look }: { look: WidgetLook }) {
  const replyTime = look.replyTime || look.defaultReplyTime;
  return (
    <figure className="wp" aria-label="Chat bubble preview" style={{ ['--c' as string]: look.color }}>
      <div className={`wp-stage wp-${look.position}`}>
        <div className="wp-panel">
          <div className="wp-head">
            {look.avatarUrl && (
              <span className="wp-av" aria-hidden>
                {look.title.trim().charAt(0).toUpperCase() || '•'}
              </span>
            )}
            <div>
              <div className="wp-title" data-testid="preview-title">
                {look.title}
              </div>
              {replyTime && <small className="wp-rt">{replyTime}</small>}
            </div>
            <span aria-hidden className="wp-x">
              ×
            </span>
          </div>
          <div className="wp-list">
            <div className="wp-bubble" data-testid="preview-greeting">
              {look.greeting}
            </div>
          </div>
          <div className="wp-input">
            <span>Type a message…</span>
            <i aria-hidden />
          </div>
        </div>
        <div className="wp-launcher" data-testid="preview-launcher" aria-hidden>
          <svg viewBox="0 0 24 24">
            <path d="M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z" />
          </svg>
        </div>
      </div>
      {look.avatarUrl && (
        <figcaption className="muted small">Your picture appears in the circle on your website and on the preview page.</figcaption>
      )}
    </figure>
  );
}
