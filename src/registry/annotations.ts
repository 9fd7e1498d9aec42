/** All four hints, always explicit: clients decide on confirmation prompts from them. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

function hints(
  readOnlyHint: boolean,
  destructiveHint: boolean,
  idempotentHint: boolean,
  openWorldHint: boolean,
): Readonly<ToolAnnotations> {
  return Object.freeze({ readOnlyHint, destructiveHint, idempotentHint, openWorldHint });
}

/**
 * What kind of change a tool makes, as the MCP annotation hints say it. "Open world": it reaches
 * TensorPool; the local ones touch only this machine or the server's own state.
 */
export const ANNOTATION_PRESETS = {
  /** Looks and changes nothing: lists, infos, listens, status. */
  'read-only': hints(true, false, true, true),
  /** Makes something new on every call: a cluster, a volume, a bucket, a saved key, a template file. */
  create: hints(false, false, false, true),
  /** Changes something, and calling it again changes nothing more: attach, pull, enable. */
  'idempotent-edit': hints(false, false, true, true),
  /** Destroys, deletes, stops or overwrites, or can lower a protection; repeating it changes nothing more. */
  destructive: hints(false, true, true, true),
  /** Starts something new on every call, and may destroy something later (job_push with teardown). */
  'create-destructive': hints(false, true, false, true),
  /** Looks at this machine or this session only. */
  'local-read-only': hints(true, false, true, false),
  /** Looks at this session only, at something that moves on between calls (new output). */
  'local-poll': hints(true, false, false, false),
  /** Changes this machine or this session only, the same way each time. */
  'local-edit': hints(false, false, true, false),
} as const;

export type AnnotationPreset = keyof typeof ANNOTATION_PRESETS;
