export {
  PROTOCOL_VERSION,
  MIN_COMPATIBLE_PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
  checkCompatibility,
} from './version';
export type { Compatibility } from './version';
export { ConversationIdSchema, SandboxIdSchema, EventIdSchema, ActionIdSchema } from './ids';
export type { ConversationId, SandboxId, EventId, ActionId } from './ids';
export { ErrorCodeSchema, ErrorBodySchema, HTTP_STATUS_BY_ERROR_CODE } from './errors';
export type { ErrorCode, ErrorBody } from './errors';

export {
  RunCommandActionSchema,
  RunCommandObservationSchema,
  RunCommandStatusSchema,
  ShellSessionNameSchema,
} from './actions/run-command';
export type { RunCommandAction, RunCommandObservation, RunCommandStatus } from './actions/run-command';
export {
  FileEditorActionSchema,
  FileEditorObservationSchema,
  FileEditorCommandSchema,
} from './actions/file-editor';
export type { FileEditorAction, FileEditorObservation, FileEditorCommand } from './actions/file-editor';
export { WorkspaceChangeSchema, DirectoryEntrySchema } from './workspace';
export type { WorkspaceChange, DirectoryEntry } from './workspace';
export { ThinkActionSchema, ThinkObservationSchema } from './actions/think';
export type { ThinkAction, ThinkObservation } from './actions/think';
export {
  TaskTrackerActionSchema,
  TaskTrackerObservationSchema,
  TrackedTaskSchema,
} from './actions/task-tracker';
export type { TaskTrackerAction, TaskTrackerObservation, TrackedTask } from './actions/task-tracker';
export { UserRejectedObservationSchema } from './actions/user-rejected';
export type { UserRejectedObservation } from './actions/user-rejected';
export { FinishActionSchema } from './actions/finish';
export type { FinishAction } from './actions/finish';
export { ToolErrorObservationSchema } from './actions/tool-error';
export type { ToolErrorObservation } from './actions/tool-error';
export { ActionSchema, SandboxActionSchema, ObservationSchema } from './actions/action';
export type { Action, SandboxAction, Observation } from './actions/action';

export { EventSourceSchema } from './events/base';
export type { EventSource } from './events/base';
export { MessageEventSchema } from './events/message-event';
export type { MessageEvent } from './events/message-event';
export { ActionEventSchema, SecurityRiskSchema } from './events/action-event';
export type { ActionEvent, SecurityRisk } from './events/action-event';
export { LlmUsageSchema, LlmUsageEventSchema, ZERO_LLM_USAGE } from './events/llm-usage-event';
export type { LlmUsage, LlmUsageEvent } from './events/llm-usage-event';
export { CondensationEventSchema } from './events/condensation-event';
export type { CondensationEvent } from './events/condensation-event';
export { ConfirmationEventSchema } from './events/confirmation-event';
export type { ConfirmationEvent } from './events/confirmation-event';
export { ObservationEventSchema } from './events/observation-event';
export type { ObservationEvent } from './events/observation-event';
export { AgentStateSchema, AgentStateChangedEventSchema } from './events/agent-state-event';
export type { AgentState, AgentStateChangedEvent } from './events/agent-state-event';
export { ErrorEventSchema } from './events/error-event';
export type { ErrorEvent } from './events/error-event';
export { EventSchema, EVENT_TYPES } from './events/event';
export type { Event, EventType, EventDraft } from './events/event';

export { RUNTIME_API_KEY_HEADER, SESSION_API_KEY_HEADER } from './channels/auth';
export {
  HelloFrameSchema,
  SendMessageFrameSchema,
  InterruptFrameSchema,
  ConfirmFrameSchema,
  StreamDeltaFrameSchema,
  ClientFrameSchema,
  WelcomeFrameSchema,
  EventFrameSchema,
  ErrorFrameSchema,
  ServerFrameSchema,
  SocketCloseCode,
  eventSocketPath,
} from './channels/agent-socket';
export type {
  HelloFrame,
  SendMessageFrame,
  InterruptFrame,
  ConfirmFrame,
  StreamDeltaFrame,
  ClientFrame,
  WelcomeFrame,
  EventFrame,
  ErrorFrame,
  ServerFrame,
} from './channels/agent-socket';
export {
  LlmConfigSchema,
  ConfirmationPolicySchema,
  ConversationListQuerySchema,
  ConfirmRequestSchema,
  SetConfirmationPolicyRequestSchema,
  CreateConversationRequestSchema,
  ConversationInfoSchema,
  ConversationListSchema,
  SendMessageRequestSchema,
  EventsPageQuerySchema,
  EventsPageSchema,
  SandboxActivitySchema,
  WorkspaceFileQuerySchema,
  WORKSPACE_FILE_SHA256_HEADER,
  WORKSPACE_FILE_EXECUTABLE_HEADER,
  MAX_WORKSPACE_FILE_BYTES,
} from './channels/agent-http';
export type {
  LlmConfig,
  ConfirmationPolicy,
  ConversationListQuery,
  ConfirmRequest,
  SetConfirmationPolicyRequest,
  CreateConversationRequest,
  ConversationInfo,
  ConversationList,
  SendMessageRequest,
  EventsPageQuery,
  EventsPage,
  SandboxActivity,
  WorkspaceFileQuery,
} from './channels/agent-http';
export {
  AliveResponseSchema,
  ExecuteActionRequestSchema,
  ExecuteActionResponseSchema,
  InterruptRequestSchema,
  InterruptResponseSchema,
  FilePathQuerySchema,
  DirectoryListingSchema,
  UploadResponseSchema,
  ChangesResponseSchema,
  SetEnvironmentRequestSchema,
  SetEnvironmentResponseSchema,
} from './channels/sandbox-http';
export type {
  AliveResponse,
  ExecuteActionRequest,
  ExecuteActionResponse,
  InterruptRequest,
  InterruptResponse,
  FilePathQuery,
  DirectoryListing,
  UploadResponse,
  ChangesResponse,
  SetEnvironmentRequest,
  SetEnvironmentResponse,
} from './channels/sandbox-http';
export {
  SandboxStatusSchema,
  SandboxResourcesSchema,
  SandboxNetworkSchema,
  StartSandboxRequestSchema,
  SandboxInfoSchema,
  StopSandboxRequestSchema,
  StopSandboxResponseSchema,
  ListSandboxesQuerySchema,
  SandboxListSchema,
  SandboxIdRequestSchema,
} from './channels/runtime-http';
export type {
  SandboxStatus,
  SandboxResources,
  SandboxNetwork,
  StartSandboxRequest,
  SandboxInfo,
  StopSandboxRequest,
  StopSandboxResponse,
  ListSandboxesQuery,
  SandboxList,
  SandboxIdRequest,
} from './channels/runtime-http';
export {
  webviewRequests,
  hostNotifications,
  webviewNotifications,
  ConnectionStatusSchema,
  ConversationSummarySchema,
  EditModeSchema,
  MirroredChangeSchema,
  WebviewToHostMessageSchema,
  HostToWebviewMessageSchema,
} from './channels/webview';
export type {
  WebviewRequestName,
  WebviewRequestParams,
  WebviewRequestResult,
  HostNotificationName,
  HostNotificationParams,
  WebviewNotificationName,
  ConnectionStatus,
  ConversationSummary,
  EditMode,
  MirroredChange,
  WebviewToHostMessage,
  HostToWebviewMessage,
} from './channels/webview';
export { invalidRequestBody, errorBody, constantTimeEqual } from './http-helpers';
export type { ValidationFailure } from './http-helpers';
export { ReadyLineSchema, SandboxEnv } from './channels/service-process';
export type { ReadyLine } from './channels/service-process';
export {
  GitAuthSchema,
  DEFAULT_GIT_USERNAME,
  GitRemoteUrlSchema,
  GitBranchNameSchema,
  GitCloneRequestSchema,
  GitCloneResponseSchema,
  GitFileStatusSchema,
  GitChangedFileSchema,
  MAX_GIT_PATCH_BYTES,
  GitChangesResponseSchema,
  GitIdentitySchema,
  GitPushRequestSchema,
  GitPushResponseSchema,
  GitCommitRequestSchema,
  GitCommitResponseSchema,
} from './channels/git-http';
export type {
  GitAuth,
  GitCloneRequest,
  GitCloneResponse,
  GitFileStatus,
  GitChangedFile,
  GitChangesResponse,
  GitIdentity,
  GitPushRequest,
  GitPushResponse,
  GitCommitRequest,
  GitCommitResponse,
} from './channels/git-http';
export {
  gitCredentialArgs,
  gitCredentialTarget,
  gitCredentialEnv,
  GIT_AUTH_NOT_ONE_LINE,
  gitProcessEnv,
  classifyGitFailure,
  scrubGitOutput,
  lastGitLines,
} from './git-process';
