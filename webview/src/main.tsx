import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './components/app';
import { registerToolkit } from './components/toolkit';
import { HostClient } from './host/host-client';
import { windowTransport } from './host/vscode-api';
import { ChatStore } from './state/chat-store';
import './styles.css';

// The webview's CSP forbids eval; zod would otherwise probe `new Function` and log a violation.
z.config({ jitless: true });
registerToolkit();

const client = new HostClient(windowTransport());
// The store subscribes before `webview/ready` goes out, so the host's replay cannot be missed.
const store = new ChatStore(client);
client.start();

const root = document.getElementById('root');
if (!root) throw new Error('The chat view has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
