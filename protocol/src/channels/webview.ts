import { z } from 'zod';
import { ErrorBodySchema } from '../errors';
import { EventSchema } from '../events/event';
import { ConfirmRequestSchema } from './agent-http';
import { StreamDeltaFrameSchema } from './agent-socket';
import { ConversationIdSchema } from '../ids';

const EmptySchema = z.object({}).strict();

/** A past or current conversation, as the history list shows it. The extension keeps these locally. */
export const ConversationSummarySchema = z
  .object({
    /** The conversation. */
    conversationId: ConversationIdSchema,
    /** The sandbox it ran in. */
    sandboxId: z.string(),
    /** The first user message, shortened. */
    title: z.string(),
    /** The agent's last known state (`finished`, `error`, `running`, …). */
    status: z.string(),
    /** Whether its sandbox still exists; a gone one is shown from the local archive, read-only. */
    live: z.boolean(),
    /** Creation time, ISO 8601. */
    createdAt: z.iso.datetime(),
    /** Last event time, ISO 8601. */
    updatedAt: z.iso.datetime(),
    /** Dollars spent on the model so far. */
    costUsd: z.number().nonnegative(),
    /** Prompt + completion tokens so far. */
    tokens: z.number().int().nonnegative(),
  })
  .strict();
/** A conversation summary. */
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

/** How the agent's edits reach the local workspace (setting `handoff.editMode`). */
export const EditModeSchema = z.enum(['apply', 'review']);
/** An edit mode. */
export type EditMode = z.infer<typeof EditModeSchema>;

/** One file the agent changed in the sandbox, as the local workspace sees it. */
export const MirroredChangeSchema = z
  .object({
    /** Workspace-relative path, `/`-separated. */
    path: z.string().min(1),
    /** What the agent did to it. */
    kind: z.enum(['created', 'modified', 'deleted']),
    /**
     * `pending`: waiting for review; `applied`: written locally; `rejected`: left as it was;
     * `conflict`: the local file changed since the upload, so nothing was written.
     */
    state: z.enum(['pending', 'applied', 'rejected', 'conflict']),
  })
  .strict();
/** A mirrored change. */
export type MirroredChange = z.infer<typeof MirroredChangeSchema>;

/** Requests the webview sends to the extension, each with its params and result schema. */
export const webviewRequests = {
  /** Start a sandbox and a conversation with this first message. */
  'conversation/start': {
    params: z.object({ /** The first message. */ text: z.string().min(1) }).strict(),
    result: z.object({ /** The new conversation. */ conversationId: ConversationIdSchema }).strict(),
  },
  /** Send a message to the current conversation. */
  'conversation/sendMessage': {
    params: z.object({ /** The message. */ text: z.string().min(1) }).strict(),
    result: EmptySchema,
  },
  /** Stop the agent's current step. */
  'conversation/interrupt': { params: EmptySchema, result: EmptySchema },
  /** Accept or reject the actions awaiting confirmation (confirmation mode). */
  'conversation/confirm': { params: ConfirmRequestSchema, result: EmptySchema },
  /** Pause the agent; it keeps its place and continues on `conversation/resume`. */
  'conversation/pause': { params: EmptySchema, result: EmptySchema },
  /** Let a paused agent continue. */
  'conversation/resume': { params: EmptySchema, result: EmptySchema },
  /** The conversation history, newest first. */
  'history/list': {
    params: EmptySchema,
    result: z.object({ /** The conversations. */ items: z.array(ConversationSummarySchema) }).strict(),
  },
  /**
   * Show a past conversation with its full history: the host resets the view and replays its
   * events (from its sandbox when it still exists, resuming it if paused; else from the archive).
   */
  'conversation/open': {
    params: z.object({ /** The conversation. */ conversationId: ConversationIdSchema }).strict(),
    result: EmptySchema,
  },
  /** Show a change in VS Code's diff editor (local file ↔ the agent's version). */
  'changes/open': {
    params: z.object({ /** Workspace-relative path. */ path: z.string().min(1) }).strict(),
    result: EmptySchema,
  },
  /** Accept pending (or conflicting) changes: write them locally. All when `paths` is absent. */
  'changes/accept': {
    params: z
      .object({ /** Which; all pending when absent. */ paths: z.array(z.string().min(1)).optional() })
      .strict(),
    result: EmptySchema,
  },
  /** Reject pending changes: leave the local files as they are. All when `paths` is absent. */
  'changes/reject': {
    params: z
      .object({ /** Which; all pending when absent. */ paths: z.array(z.string().min(1)).optional() })
      .strict(),
    result: EmptySchema,
  },
} as const;
/** A request method name. */
export type WebviewRequestName = keyof typeof webviewRequests;
/** The params of a request. */
export type WebviewRequestParams<M extends WebviewRequestName> = z.infer<
  (typeof webviewRequests)[M]['params']
>;
/** The result of a request. */
export type WebviewRequestResult<M extends WebviewRequestName> = z.infer<
  (typeof webviewRequests)[M]['result']
>;

/** How the extension's link to the agent stands, as the chat shows it. */
export const ConnectionStatusSchema = z.enum([
  'idle',
  'starting_sandbox',
  'connecting',
  'connected',
  'reconnecting',
  'disconnected',
  'error',
]);
/** A connection status. */
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

/** Notifications the extension sends to the webview. */
export const hostNotifications = {
  /** One event of the current conversation, in `seq` order, each at most once. */
  'conversation/event': z.object({ /** The event. */ event: EventSchema }).strict(),
  /**
   * Text the model is generating now (ephemeral, no `seq`). Deltas of one `responseId` add up;
   * the next `conversation/event` replaces them with the complete message or action.
   */
  'conversation/streamDelta': StreamDeltaFrameSchema.omit({ type: true }),
  /** Forget the shown conversation (a new one starts). */
  'conversation/reset': EmptySchema,
  /** The history list changed (a conversation started, progressed or ended). */
  'history/updated': z
    .object({ /** The conversations, newest first. */ items: z.array(ConversationSummarySchema) })
    .strict(),
  /** The agent's changes to the local workspace in the shown conversation, and how they stand. */
  'changes/updated': z
    .object({
      /** The edit mode in force. */
      mode: EditModeSchema,
      /** Every changed file, sorted by path. */
      changes: z.array(MirroredChangeSchema),
    })
    .strict(),
  /** What the workspace allows: without trust (Restricted Mode) nothing is uploaded or mirrored. */
  'workspace/status': z
    .object({
      /** Whether the workspace is trusted. */
      trusted: z.boolean(),
      /** The edit mode in force. */
      editMode: EditModeSchema,
      /** The model in use (`provider/model`). */
      model: z.string(),
      /** The conversation shown is from the archive: its sandbox is gone, it cannot continue. */
      readOnly: z.boolean(),
    })
    .strict(),
  /** The link to the agent changed. */
  'connection/status': z
    .object({
      /** The new status. */
      status: ConnectionStatusSchema,
      /** A sentence for the user, e.g. why it failed. */
      message: z.string().optional(),
    })
    .strict(),
} as const;
/** A host notification name. */
export type HostNotificationName = keyof typeof hostNotifications;
/** The params of a host notification. */
export type HostNotificationParams<M extends HostNotificationName> = z.infer<(typeof hostNotifications)[M]>;

/** Notifications the webview sends to the extension. */
export const webviewNotifications = {
  /** The webview has loaded and listens; the host may post now (and replays state). */
  'webview/ready': EmptySchema,
} as const;
/** A webview notification name. */
export type WebviewNotificationName = keyof typeof webviewNotifications;

const webviewRequestNames = Object.keys(webviewRequests) as [WebviewRequestName, ...WebviewRequestName[]];
const hostNotificationNames = Object.keys(hostNotifications) as [
  HostNotificationName,
  ...HostNotificationName[],
];
const webviewNotificationNames = Object.keys(webviewNotifications) as [
  WebviewNotificationName,
  ...WebviewNotificationName[],
];

/** Any message from the webview to the extension. Params are checked against the maps after this. */
export const WebviewToHostMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('request'),
      /** Correlates the response. */
      id: z.number().int().nonnegative(),
      /** The request name. */
      method: z.enum(webviewRequestNames),
      /** Its params. */
      params: z.unknown(),
    })
    .strict(),
  z
    .object({
      type: z.literal('notification'),
      /** The notification name. */
      method: z.enum(webviewNotificationNames),
      /** Its params. */
      params: z.unknown(),
    })
    .strict(),
]);
/** A message from the webview. */
export type WebviewToHostMessage = z.infer<typeof WebviewToHostMessageSchema>;

/** Any message from the extension to the webview. */
export const HostToWebviewMessageSchema = z.union([
  z
    .object({
      type: z.literal('response'),
      /** The request this answers. */
      id: z.number().int().nonnegative(),
      /** `success` carries `result`; `error` carries `error`. */
      status: z.literal('success'),
      /** The result, checked against the request map by the receiver. */
      result: z.unknown(),
    })
    .strict(),
  z
    .object({
      type: z.literal('response'),
      /** The request this answers. */
      id: z.number().int().nonnegative(),
      /** The request failed. */
      status: z.literal('error'),
      /** Why. */
      error: ErrorBodySchema,
    })
    .strict(),
  z
    .object({
      type: z.literal('notification'),
      /** The notification name. */
      method: z.enum(hostNotificationNames),
      /** Its params. */
      params: z.unknown(),
    })
    .strict(),
]);
/** A message from the extension. */
export type HostToWebviewMessage = z.infer<typeof HostToWebviewMessageSchema>;
