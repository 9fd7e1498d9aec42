/** Tools come in toolsets, one per `tp` noun (and status); --toolsets picks among them. */
export const TOOLSETS = ['clusters', 'jobs', 'storage', 'account', 'object_storage', 'status'] as const;
export type Toolset = (typeof TOOLSETS)[number];
