export { ScriptedLlmClient } from './scripted-llm-client';
export type { ScriptedLlmStep, ScriptedToolCall } from './scripted-llm-client';
export {
  FakeSandboxClient,
  FAKE_WORKSPACE,
  echo,
  fakeRunCommandObservation,
  hangingHandler,
} from './fake-sandbox-client';
export type { FakeSandboxHandler } from './fake-sandbox-client';
export { FakeFileEditor } from './fake-file-editor';
export { startScriptedLlmServer } from './scripted-llm-server';
export type {
  RecordedLlmRequest,
  ScriptedAnswer,
  ScriptedFault,
  ScriptedLlmServer,
  ScriptedLlmTurn,
  ScriptedServerToolCall,
  ScriptedUsage,
} from './scripted-llm-server';
