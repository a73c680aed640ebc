import { z } from 'zod';
import { SandboxIdSchema } from '../ids';

/**
 * Where a sandbox stands. `unavailable`: its Docker engine does not answer right now; it comes back
 * as it was once the engine does.
 */
export const SandboxStatusSchema = z.enum([
  'starting',
  'running',
  'paused',
  'stopped',
  'error',
  'unavailable',
]);
/** A sandbox status. */
export type SandboxStatus = z.infer<typeof SandboxStatusSchema>;

/**
 * Limits of one sandbox (docker provider; the process provider cannot enforce them and says so).
 * Bounds are sanity checks: a request outside them is a mistake, not a wish.
 */
export const SandboxResourcesSchema = z
  .object({
    /** CPU cores it may use, e.g. `1.5`. */
    cpus: z.number().min(0.1).max(64).optional(),
    /** Memory limit in MiB (swap included: no swap beyond it). */
    memoryMb: z.number().int().min(256).max(262_144).optional(),
    /** Most processes and threads at once (stops fork bombs). */
    pidsLimit: z.number().int().min(64).max(65_536).optional(),
  })
  .strict();
/** Sandbox limits. */
export type SandboxResources = z.infer<typeof SandboxResourcesSchema>;

/** `egress`: the sandbox may reach the network (default). `none`: no traffic leaves it. */
export const SandboxNetworkSchema = z.enum(['egress', 'none']);
/** A sandbox network mode. */
export type SandboxNetwork = z.infer<typeof SandboxNetworkSchema>;

/** `POST /start` body. */
export const StartSandboxRequestSchema = z
  .object({
    /** Image (docker) or profile to start from; the server default when absent. */
    image: z.string().min(1).optional(),
    /**
     * Extra environment for the agent's commands (secrets included). A warm sandbox receives it when
     * it is claimed; it never appears in labels, logs or `/sessions`.
     */
    environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
    /** Free-form labels, returned by `/sessions` and `/list`. */
    labels: z.record(z.string().min(1).max(63), z.string().max(256)).optional(),
    /** Limits; the server defaults when absent. */
    resources: SandboxResourcesSchema.optional(),
    /** Network mode; `egress` when absent. */
    network: SandboxNetworkSchema.optional(),
  })
  .strict();
/** A start-sandbox request. */
export type StartSandboxRequest = z.infer<typeof StartSandboxRequestSchema>;

/** A sandbox as the runtime API reports it. */
export const SandboxInfoSchema = z
  .object({
    /** The sandbox id. */
    id: SandboxIdSchema,
    /** Where it stands. */
    status: SandboxStatusSchema,
    /** Base URL of the agent server inside it. */
    agentServerUrl: z.url(),
    /** The key for `X-Session-API-Key` on the agent server. Only its owner sees it. */
    sessionApiKey: z.string().min(1),
    /** Which provider runs it (`process`, `docker`). */
    provider: z.string(),
    /** The labels given at start. */
    labels: z.record(z.string(), z.string()),
    /** Creation time, ISO 8601. */
    createdAt: z.iso.datetime(),
  })
  .strict();
/** Sandbox info. */
export type SandboxInfo = z.infer<typeof SandboxInfoSchema>;

/** `POST /stop` body. */
export const StopSandboxRequestSchema = z
  .object({
    /** The sandbox to stop and remove. */
    id: SandboxIdSchema,
  })
  .strict();
/** A stop-sandbox request. */
export type StopSandboxRequest = z.infer<typeof StopSandboxRequestSchema>;

/** `POST /stop` result. */
export const StopSandboxResponseSchema = z
  .object({
    /** The sandbox that was stopped. */
    id: SandboxIdSchema,
    /** Always `stopped`. */
    status: z.literal('stopped'),
  })
  .strict();
/** A stop-sandbox response. */
export type StopSandboxResponse = z.infer<typeof StopSandboxResponseSchema>;

/** `GET /list` query. */
export const ListSandboxesQuerySchema = z
  .object({
    /** Only sandboxes in this status. */
    status: SandboxStatusSchema.optional(),
    /** At most this many. */
    limit: z.coerce.number().int().positive().max(500).default(100),
    /** Opaque cursor from the previous page. */
    pageToken: z.string().optional(),
  })
  .strict();
/** A list-sandboxes query. */
export type ListSandboxesQuery = z.infer<typeof ListSandboxesQuerySchema>;

/** `GET /list` result. */
export const SandboxListSchema = z
  .object({
    /** The sandboxes, oldest first. */
    items: z.array(SandboxInfoSchema),
    /** Pass as `pageToken` for the next page; absent on the last page. */
    nextPageToken: z.string().optional(),
  })
  .strict();
/** A sandbox list. */
export type SandboxList = z.infer<typeof SandboxListSchema>;

/** `POST /pause` and `POST /resume` body. */
export const SandboxIdRequestSchema = z
  .object({
    /** The sandbox to pause or resume. */
    id: SandboxIdSchema,
  })
  .strict();
/** A pause- or resume-sandbox request; the answer is the sandbox's `SandboxInfo`. */
export type SandboxIdRequest = z.infer<typeof SandboxIdRequestSchema>;
