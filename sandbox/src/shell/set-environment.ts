import type { SetEnvironmentRequest, SetEnvironmentResponse } from '@handoff/protocol';
import { SandboxError } from '../errors';
import { refusedVariable } from './shell-env';
import type { ShellSessions } from './shell-sessions';

/**
 * `PUT /environment`: gives every command from now on `request.environment`, replacing what an
 * earlier call set. Refuses the whole request if one name is the sandbox's own. The answer and any
 * error name variables, never their values (they are secrets).
 */
export function setEnvironment(
  request: SetEnvironmentRequest,
  shells: ShellSessions,
): SetEnvironmentResponse {
  const names = Object.keys(request.environment).sort();
  const refused = names.flatMap((name) => {
    const why = refusedVariable(name);
    return why === undefined ? [] : [{ name, why }];
  });
  if (refused.length > 0) {
    throw new SandboxError(
      'invalid_request',
      `Cannot set ${refused.map(({ name, why }) => `${name} (${why})`).join(', ')}; nothing was set.`,
      { details: { refused: refused.map(({ name }) => name) } },
    );
  }
  shells.setEnvironment(request.environment);
  return { names };
}
