import type { LlmClient, LlmResponse } from '../llm/llm-client';
import { LlmError } from '../llm/llm-client';

/** Said when a reloaded conversation's sealed key cannot be opened with this server's key. */
export const KEY_LOST_MESSAGE =
  "This conversation's LLM API key and secrets were encrypted with another session key (HANDOFF_SESSION_API_KEY changed since it was created), so they are lost. Its history is intact; start a new conversation to continue the work.";

/**
 * Stands in for the LLM client of a conversation whose client cannot be rebuilt after a
 * restart; every call fails with the reason, so the conversation loads and says why it cannot
 * continue instead of disappearing.
 */
export class UnavailableLlmClient implements LlmClient {
  readonly #message: string;

  constructor(message: string) {
    this.#message = message;
  }

  complete(): Promise<LlmResponse> {
    return Promise.reject(new LlmError('missing_api_key', this.#message));
  }
}
