import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { registerServiceWorker } from './offline/serviceWorker';
import './styles/base.css';
import './styles/layout.css';
import './styles/panels.css';
import './styles/pages.css';
import './styles/editor.css';
import './styles/keyboard.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

// The app opens offline too (a service worker keeps its files); not in development.
registerServiceWorker();

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
