/**
 * @module A test-only VS Code extension that provides the `github` authentication provider in
 * place of code-server's built-in one (which signs in through github.com's OAuth pages, out of reach
 * of an offline test). Its sign-in hands out the token in the environment variable
 * {@link GITHUB_TOKEN_VARIABLE} of the code-server process: the token the GitHub stand-in accepts.
 * It is written as plain JavaScript (no build) into a folder {@link installExtension} can copy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where the stand-in reads the token its sessions carry. */
export const GITHUB_TOKEN_VARIABLE = 'HANDOFF_E2E_GITHUB_TOKEN';
/** Where it reads the account name; `octocat` when unset. */
export const GITHUB_LOGIN_VARIABLE = 'HANDOFF_E2E_GITHUB_LOGIN';

/**
 * Named as the built-in GitHub Authentication extension with a higher version, so VS Code runs it
 * instead (an installed extension replaces a built-in one of the same id); two providers cannot
 * both register `github`.
 */
const MANIFEST = {
  name: 'github-authentication',
  displayName: 'GitHub sign-in (test stand-in)',
  publisher: 'vscode',
  version: '999.0.0',
  engines: { vscode: '^1.90.0' },
  main: './extension.js',
  activationEvents: ['onAuthenticationRequest:github'],
  capabilities: { untrustedWorkspaces: { supported: true } },
  contributes: { authentication: [{ id: 'github', label: 'GitHub' }] },
};

/**
 * No session until one is created (so VS Code asks the user to allow the sign-in, as with the
 * real provider); then one session per scope set, holding the environment's token.
 */
const EXTENSION_JS = `'use strict';
const vscode = require('vscode');

exports.activate = function activate(context) {
  const token = process.env.${GITHUB_TOKEN_VARIABLE};
  const login = process.env.${GITHUB_LOGIN_VARIABLE} || 'octocat';
  const changes = new vscode.EventEmitter();
  let sessions = [];
  const covers = (session, scopes) => (scopes || []).every((scope) => session.scopes.includes(scope));
  const provider = {
    onDidChangeSessions: changes.event,
    getSessions: async (scopes) => sessions.filter((session) => covers(session, scopes)),
    createSession: async (scopes) => {
      if (!token) throw new Error('${GITHUB_TOKEN_VARIABLE} is not set for code-server.');
      const session = {
        id: 'stand-in-' + String(sessions.length + 1),
        accessToken: token,
        account: { id: login, label: login },
        scopes: [...scopes],
      };
      sessions.push(session);
      changes.fire({ added: [session], removed: [], changed: [] });
      return session;
    },
    removeSession: async (id) => {
      const removed = sessions.filter((session) => session.id === id);
      sessions = sessions.filter((session) => session.id !== id);
      changes.fire({ added: [], removed, changed: [] });
    },
  };
  context.subscriptions.push(
    changes,
    vscode.authentication.registerAuthenticationProvider('github', 'GitHub', provider, {
      supportsMultipleAccounts: false,
    }),
  );
};

exports.deactivate = function deactivate() {};
`;

/** Writes the stand-in extension into `<parent>/github-auth-stand-in` and returns that folder. */
export function writeGitHubAuthStandIn(parent: string): string {
  const dir = path.join(parent, 'github-auth-stand-in');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(MANIFEST, null, 2)}\n`);
  writeFileSync(path.join(dir, 'extension.js'), EXTENSION_JS);
  return dir;
}
