import { Markdown } from '../markdown/markdown';
import type { StreamingResponse } from '../../state/streaming';

/**
 * The response the model is writing now: a "typing" bubble that grows with each delta, and
 * its reasoning in a muted block that folds away. The complete event replaces it.
 */
export function StreamingMessage({ response }: { response: StreamingResponse }) {
  return (
    <div className="streaming" data-testid="streaming-message" data-response-id={response.responseId}>
      {response.reasoning !== '' && (
        <details className="thinking" data-testid="streaming-reasoning" open>
          <summary>Thinking…</summary>
          <p className="thinking-text">{response.reasoning}</p>
        </details>
      )}
      {response.text !== '' && (
        <div className="message message-agent message-typing" data-testid="streaming-text" aria-busy="true">
          <Markdown source={response.text} />
          <span className="typing-cursor" aria-hidden="true" />
        </div>
      )}
    </div>
  );
}
