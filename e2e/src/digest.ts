import type { Event } from '@handoff/protocol';

/** Each event as a short string (type plus what the e2e tests check), in order. */
export function digest(events: Event[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case 'message':
        return `message:${e.source}`;
      case 'action':
        return `action:${e.toolName}`;
      case 'observation':
        return e.observation.type === 'run_command'
          ? `observation:${e.observation.output.trim()}:${String(e.observation.exitCode)}`
          : `observation:${e.observation.type}`;
      case 'agent_state_changed':
        return `state:${e.state}`;
      case 'error':
        return `error:${e.error.code}`;
      case 'llm_usage':
        return 'llm_usage';
      case 'condensation':
        return 'condensation';
      case 'confirmation':
        return `confirmation:${String(e.accept)}`;
    }
  });
}

/** The digest without bookkeeping events (usage, running state), for order assertions. */
export function storyOf(events: Event[]): string[] {
  return digest(events).filter((d) => d !== 'state:running' && d !== 'llm_usage');
}
