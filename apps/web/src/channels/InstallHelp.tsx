import { useState } from 'react';
import { CopyButton } from '../components/CopyButton';

type Builder = 'any' | 'wordpress' | 'wix' | 'squarespace';

const BUILDERS: { id: Builder; label: string; steps: string[] }[] = [
  {
    id: 'any',
    label: 'Any website',
    steps: [
      'Copy the code above.',
      'Paste it into your site’s pages just before </body>, or into your site builder’s “footer code” or “custom code” setting so it is on every page.',
      'Open your website: the chat bubble appears in the corner.',
    ],
  },
  {
    id: 'wordpress',
    label: 'WordPress',
    steps: [
      'Copy the code above.',
      'In WordPress, go to Plugins → Add New, search for “WPCode”, then Install and Activate it.',
      'Go to Code Snippets → Header & Footer, paste the code into the Footer box and click Save Changes.',
      'On WordPress.com, adding plugins needs a Business plan or higher.',
    ],
  },
  {
    id: 'wix',
    label: 'Wix',
    steps: [
      'Copy the code above.',
      'In your Wix dashboard, go to Settings → Custom Code (under Advanced) and click + Add Custom Code.',
      'Paste the code, choose “All pages” and place it in “Body - end”, then click Apply.',
      'Wix needs a connected domain (a paid plan) for custom code.',
    ],
  },
  {
    id: 'squarespace',
    label: 'Squarespace',
    steps: [
      'Copy the code above.',
      'In Squarespace, open Settings → Developer Tools → Code Injection (older sites: Settings → Advanced → Code Injection).',
      'Paste the code into the Footer box and click Save.',
      'Code injection is part of the Core plan and above.',
    ],
  },
];

/** The one line to paste, and where to paste it on the common site builders, in plain steps. */
export function InstallHelp({ snippet }: { snippet: string }) {
  const [builder, setBuilder] = useState<Builder>('any');
  const current = BUILDERS.find((b) => b.id === builder)!;
  return (
    <section className="install" aria-label="Add the chat to your website">
      <h4>Add the chat to your website</h4>
      <pre className="code" data-testid="widget-snippet">
        {snippet}
      </pre>
      <CopyButton text={snippet} label="Copy code" testId="copy-snippet" />
      <div className="install-tabs" role="tablist" aria-label="Your website is made with">
        {BUILDERS.map((b) => (
          <button
            key={b.id}
            type="button"
            role="tab"
            aria-selected={b.id === builder}
            className={`btn-chip${b.id === builder ? ' active' : ''}`}
            onClick={() => setBuilder(b.id)}
          >
            {b.label}
          </button>
        ))}
      </div>
      <ol className="install-steps" role="tabpanel" aria-label={`Steps for ${current.label}`}>
        {current.steps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
    </section>
  );
}
